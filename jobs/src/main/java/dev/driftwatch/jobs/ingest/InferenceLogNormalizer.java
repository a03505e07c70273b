package dev.driftwatch.jobs.ingest;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.event.Rejection;
import dev.driftwatch.ingest.formats.DecodeLimits;
import dev.driftwatch.ingest.formats.FeatureRows;
import dev.driftwatch.ingest.formats.InferencePayloads;
import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.ingest.formats.PayloadFormat;
import dev.driftwatch.ingest.formats.PayloadRejectedException;
import dev.driftwatch.ingest.formats.PredictionRow;
import dev.driftwatch.ingest.formats.PredictionRows;
import dev.driftwatch.ingest.formats.Predictions;
import dev.driftwatch.ingest.formats.RejectReason;
import dev.driftwatch.jobs.records.InferenceLogPart;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a logged request and its response (or a request alone, when its response never came) into
 * prediction events with the shape of the event contract, one per row: pure Java, no Flink.
 *
 * <ul>
 *   <li>model: the part's model (from the envelope);
 *   <li>version: the response's {@code model_version}, else the version of the registry alias for
 *       the endpoint ({@code default} or none → {@code champion}, {@code canary} → {@code
 *       challenger}), else rejected;
 *   <li>time: the request's time (the envelope's);
 *   <li>ids: {@code <id>/<row>} for a batch of several rows, the id for one row;
 *   <li>features and prediction: decoded by ingest-formats with the model's input schema; the
 *       prediction is the pseudo-feature {@code prediction.score} or {@code prediction.label}.
 * </ul>
 *
 * Every event is checked against the {@link EventLimits} of the event contract; a row outside them
 * is rejected alone, the other rows go on. Rejections go to {@link Output#reject} with the part
 * they concern (the request, or the response whose payload was bad).
 *
 * <pre>{@code
 * InferenceLogNormalizer n = new InferenceLogNormalizer(EventLimits.defaults(), List.of());
 * n.normalize(request, response, inputs, System.currentTimeMillis(), false, out);
 * }</pre>
 */
public final class InferenceLogNormalizer {
    /** The alias whose version a prediction of the {@code default} endpoint has. */
    public static final String CHAMPION = "champion";

    /** The alias whose version a prediction of the {@code canary} endpoint has. */
    public static final String CHALLENGER = "challenger";

    /** Where the events and rejections of a pair go. */
    public interface Output {
        void accept(PredictionEvent event);

        /** {@code part} (the request or the response) cannot be used, for {@code rejection}. */
        void reject(Rejection rejection, InferenceLogPart part);
    }

    /** What became of a pair. */
    public enum Outcome {
        /** Turned into events and rejections. */
        DONE,
        /** Nothing emitted: it needs the model's input schema or alias, not received yet. */
        NEEDS_MODEL
    }

    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);
    private final EventLimits limits;
    private final String segment;

    /** The feature names of the last payload, checked, and their extensions by the prediction. */
    private String[] checkedNames;

    private String[] withScore;
    private String[] withLabel;
    private String[] withBoth;

    /**
     * @param segmentTags the jobs' segment tags: inference logs carry no tags, so their events get
     *     the segment of an event without tags ("" with none configured)
     */
    public InferenceLogNormalizer(EventLimits limits, List<String> segmentTags) {
        this.limits = limits;
        this.segment = segmentTags.isEmpty() ? "" : "|".repeat(segmentTags.size() - 1);
    }

    /** The alias that gives the version of a prediction logged for {@code endpoint}, or null. */
    public static String alias(String endpoint) {
        if (endpoint == null || endpoint.isEmpty() || endpoint.equals("default")) {
            return CHAMPION;
        }
        return endpoint.equals("canary") ? CHALLENGER : null;
    }

    /**
     * Normalizes one pair.
     *
     * @param request the request (required)
     * @param response its response, or null when none came within the pairing TTL
     * @param model the model's input schema and aliases, or null when none was received
     * @param now the processing time (epoch ms) that bounds event timestamps
     * @param mayWait return {@link Outcome#NEEDS_MODEL} (emitting nothing) instead of rejecting
     *     when {@code model} is null and the pair needs it
     */
    public Outcome normalize(
            InferenceLogPart request,
            InferenceLogPart response,
            InputSchemaUpdate model,
            long now,
            boolean mayWait,
            Output out) {
        String modelName = request.modelName;
        InputSchema schema = model == null ? InputSchema.NONE : model.schema();
        String timeProblem = limits.timestampProblem(request.timestamp, now);
        if (timeProblem != null) {
            rejectPair(Rejection.of(timeProblem), request, response, out);
            return Outcome.DONE;
        }

        Predictions predictions = null;
        if (response != null) {
            try {
                predictions = payloads.decodeResponse(response.value, format(response), schema);
            } catch (PayloadRejectedException e) {
                if (e.reason() == RejectReason.MISSING_SCHEMA && model == null && mayWait) {
                    return Outcome.NEEDS_MODEL;
                }
                Rejection r = rejection("response: " + describe(e), modelName, null, request);
                out.reject(r, response);
                out.reject(withReason(r, "its response was rejected: " + r.reason()), request);
                return Outcome.DONE;
            }
        }

        String version = predictions == null ? null : predictions.modelVersion();
        if (version == null) {
            String alias = alias(request.endpoint);
            version = alias == null || model == null ? null : model.version(alias);
            if (version == null) {
                if (model == null && alias != null && mayWait) {
                    return Outcome.NEEDS_MODEL;
                }
                rejectPair(
                        Rejection.of(noVersion(modelName, request.endpoint, alias, model)),
                        request,
                        response,
                        out);
                return Outcome.DONE;
            }
        }
        if (!EventLimits.isName(version)) {
            rejectPair(
                    Rejection.of(EventLimits.nameProblem("the model version", version)),
                    request,
                    response,
                    out);
            return Outcome.DONE;
        }

        FeatureRows features;
        try {
            features = payloads.decodeRequest(request.value, format(request), schema);
        } catch (PayloadRejectedException e) {
            if (e.reason() == RejectReason.MISSING_SCHEMA && model == null && mayWait) {
                return Outcome.NEEDS_MODEL;
            }
            Rejection r = rejection("request: " + describe(e), modelName, version, request);
            out.reject(r, request);
            if (response != null) {
                out.reject(withReason(r, "its request was rejected: " + r.reason()), response);
            }
            return Outcome.DONE;
        }

        List<PredictionRow> rows;
        try {
            rows = PredictionRows.join(request.requestId, features, predictions);
        } catch (PayloadRejectedException e) {
            Rejection r = rejection(describe(e), modelName, version, request);
            rejectPair(r, request, response, out);
            return Outcome.DONE;
        }
        for (PredictionRow row : rows) {
            emit(row, modelName, version, request, out);
        }
        return Outcome.DONE;
    }

    private void emit(
            PredictionRow row,
            String modelName,
            String version,
            InferenceLogPart request,
            Output out) {
        String problem = rowProblem(row);
        if (problem != null) {
            out.reject(rejection(problem, modelName, version, request), request);
            return;
        }
        PredictionEvent e = new PredictionEvent();
        e.predictionId = row.predictionId();
        e.modelName = modelName;
        e.modelVersion = version;
        e.timestamp = request.timestamp;
        e.segment = segment;
        boolean score = !Double.isNaN(row.score());
        boolean label = row.label() != null;
        String[] names = row.names();
        if (!score && !label) {
            e.featureNames = names;
            e.numbers = row.numbers();
            e.strings = row.strings();
        } else {
            int n = names.length;
            int size = n + (score ? 1 : 0) + (label ? 1 : 0);
            e.featureNames = score ? (label ? withBoth : withScore) : withLabel;
            e.numbers = Arrays.copyOf(row.numbers(), size);
            e.strings = Arrays.copyOf(row.strings(), size);
            int i = n;
            if (score) {
                e.numbers[i] = row.score();
                i++;
            }
            if (label) {
                e.numbers[i] = Double.NaN;
                e.strings[i] = row.label();
            }
        }
        out.accept(e);
    }

    /**
     * Null when the row is within the event contract's limits, else why not. Feature names are
     * checked once per names array (every row of a payload shares one).
     */
    private String rowProblem(PredictionRow row) {
        String id = row.predictionId();
        if (!EventLimits.isName(id)) {
            return EventLimits.nameProblem("the prediction id '" + shown(id) + "'", id);
        }
        String[] names = row.names();
        if (names != checkedNames) {
            for (String n : names) {
                if (!EventLimits.isName(n)) {
                    return EventLimits.nameProblem("feature name '" + shown(n) + "'", n);
                }
            }
            checkedNames = names;
            withScore = extended(names, PredictionEvent.SCORE_FEATURE);
            withLabel = extended(names, PredictionEvent.LABEL_FEATURE);
            withBoth = extended(withScore, PredictionEvent.LABEL_FEATURE);
        }
        double[] numbers = row.numbers();
        for (int i = 0; i < numbers.length; i++) {
            if (Double.isInfinite(numbers[i])) {
                return EventLimits.numberProblem("feature '" + shown(names[i]) + "'", numbers[i]);
            }
        }
        if (Double.isInfinite(row.score())) {
            return EventLimits.numberProblem("the prediction score", row.score());
        }
        if (row.label() != null && !EventLimits.isName(row.label())) {
            return EventLimits.nameProblem("the prediction label", row.label());
        }
        return null;
    }

    private static String[] extended(String[] names, String name) {
        String[] out = Arrays.copyOf(names, names.length + 1);
        out[names.length] = name;
        return out;
    }

    private static void rejectPair(
            Rejection r, InferenceLogPart request, InferenceLogPart response, Output out) {
        out.reject(r, request);
        if (response != null) {
            out.reject(r, response);
        }
    }

    /** A rejection that names the model, version and time when they are known and valid. */
    private static Rejection rejection(
            String reason, String modelName, String version, InferenceLogPart request) {
        if (version == null || !EventLimits.isName(version)) {
            return Rejection.of(reason);
        }
        return new Rejection(reason, modelName, version, request.timestamp);
    }

    private static Rejection withReason(Rejection r, String reason) {
        return new Rejection(reason, r.modelName(), r.modelVersion(), r.timestamp());
    }

    private static String noVersion(
            String model, String endpoint, String alias, InputSchemaUpdate known) {
        if (alias == null) {
            return "no model version: the response names none, and endpoint '"
                    + shown(endpoint)
                    + "' has no alias (default → champion, canary → challenger)";
        }
        return "no model version: the response names none, and "
                + (known == null
                        ? "the registry has published nothing for model '" + shown(model) + "'"
                        : "model '" + shown(model) + "' has no '" + alias + "' alias")
                + " (endpoint "
                + (endpoint == null || endpoint.isEmpty() ? "default" : shown(endpoint))
                + " → "
                + alias
                + ")";
    }

    private static String describe(PayloadRejectedException e) {
        return e.reason() + ": " + e.getMessage();
    }

    private static PayloadFormat format(InferenceLogPart part) {
        return part.protobuf ? PayloadFormat.PROTOBUF : PayloadFormat.JSON;
    }

    private static String shown(String s) {
        return InferenceLogEnvelopes.shown(s);
    }
}
