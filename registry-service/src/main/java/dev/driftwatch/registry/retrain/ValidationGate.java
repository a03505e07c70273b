package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A check a candidate must pass before promotion, on the metrics its validation run reports ({@code
 * {"candidate": {m: v}, "champion": {m: v}, "segments": {m: {segment: v}}}}):
 *
 * <ul>
 *   <li>{@code min_vs_champion}: candidate ≥ champion − tolerance (e.g. AUC); passes when there is
 *       no champion value to compare with;
 *   <li>{@code max_value}: candidate ≤ max (e.g. p99 latency in ms);
 *   <li>{@code max_segment_gap}: the largest minus the smallest segment value of the candidate ≤
 *       max (fairness across segments).
 * </ul>
 */
public record ValidationGate(String type, String metric, double limit) {
    public static final String MIN_VS_CHAMPION = "min_vs_champion";
    public static final String MAX_VALUE = "max_value";
    public static final String MAX_SEGMENT_GAP = "max_segment_gap";

    /**
     * Reads the gate at {@code path} ({@code gates[0]}); a field another gate type uses (a {@code
     * max} on {@code min_vs_champion}) is refused like an unknown one.
     */
    static ValidationGate parse(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid("'" + path + "' must be an object");
        }
        String type = n.path("type").asText("");
        Set<String> fields =
                switch (type) {
                    case MIN_VS_CHAMPION -> Set.of("type", "metric", "tolerance");
                    case MAX_VALUE, MAX_SEGMENT_GAP -> Set.of("type", "metric", "max");
                    default ->
                            throw RegistryException.invalid(
                                    "'"
                                            + path
                                            + ".type': gate type must be min_vs_champion,"
                                            + " max_value or max_segment_gap; was "
                                            + n.path("type"));
                };
        JsonFields g = JsonFields.of(n, path, fields);
        String metric = g.optText("metric");
        if (metric == null || metric.isBlank()) {
            throw RegistryException.invalid("each gate needs a 'metric' (" + path + ")");
        }
        if (type.equals(MIN_VS_CHAMPION)) {
            double tol = g.number("tolerance", 0);
            if (tol < 0) {
                throw g.invalid("tolerance", "must be >= 0");
            }
            return new ValidationGate(type, metric, tol);
        }
        if (!g.has("max")) {
            throw RegistryException.invalid("gate " + type + " needs 'max' (" + path + ")");
        }
        return new ValidationGate(type, metric, g.number("max", 0));
    }

    /** Whether this gate compares the candidate with the champion's value of its metric. */
    public boolean needsChampion() {
        return type.equals(MIN_VS_CHAMPION);
    }

    /** The verdict on the reported metrics. */
    public GateResult evaluate(ValidationReport report) {
        Double cand = report.candidate().get(metric);
        switch (type) {
            case MIN_VS_CHAMPION -> {
                if (cand == null) {
                    return notReported("candidate");
                }
                Double champ = report.champion().get(metric);
                if (champ == null) {
                    return new GateResult(
                            type,
                            metric,
                            true,
                            cand,
                            null,
                            null,
                            "no champion value to compare with: passes");
                }
                double bound = champ - limit;
                boolean ok = cand >= bound;
                return new GateResult(
                        type,
                        metric,
                        ok,
                        cand,
                        bound,
                        champ,
                        String.format(
                                Locale.ROOT,
                                "candidate %s %.6g %s champion %.6g - tolerance %.6g = %.6g",
                                metric,
                                cand,
                                ok ? ">=" : "<",
                                champ,
                                limit,
                                bound));
            }
            case MAX_VALUE -> {
                if (cand == null) {
                    return notReported("candidate");
                }
                boolean ok = cand <= limit;
                return new GateResult(
                        type,
                        metric,
                        ok,
                        cand,
                        limit,
                        null,
                        String.format(
                                Locale.ROOT,
                                "candidate %s %.6g %s max %.6g",
                                metric,
                                cand,
                                ok ? "<=" : ">",
                                limit));
            }
            default -> {
                Map<String, Double> seg = report.segments().getOrDefault(metric, Map.of());
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                String minName = "";
                String maxName = "";
                int count = 0;
                for (var e : seg.entrySet()) {
                    double v = e.getValue();
                    count++;
                    if (v < min) {
                        min = v;
                        minName = e.getKey();
                    }
                    if (v > max) {
                        max = v;
                        maxName = e.getKey();
                    }
                }
                if (count < 2) {
                    return new GateResult(
                            type,
                            metric,
                            false,
                            null,
                            limit,
                            null,
                            "needs the candidate's "
                                    + metric
                                    + " for at least 2 segments; got "
                                    + count);
                }
                double gap = max - min;
                boolean ok = gap <= limit;
                return new GateResult(
                        type,
                        metric,
                        ok,
                        gap,
                        limit,
                        null,
                        String.format(
                                Locale.ROOT,
                                "gap %.6g between %s (%.6g) and %s (%.6g) %s max %.6g",
                                gap,
                                maxName,
                                max,
                                minName,
                                min,
                                ok ? "<=" : ">",
                                limit));
            }
        }
    }

    private GateResult notReported(String who) {
        return new GateResult(
                type,
                metric,
                false,
                null,
                limit,
                null,
                "the validation run did not report the " + who + "'s " + metric);
    }
}
