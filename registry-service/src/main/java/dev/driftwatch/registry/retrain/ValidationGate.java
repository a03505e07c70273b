package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.RegistryException;
import java.util.Locale;

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

    static ValidationGate parse(JsonNode n) {
        if (!n.isObject()) {
            throw RegistryException.invalid("each gate must be an object");
        }
        String type = RetrainPolicy.optText(n, "type", "gates[].type");
        String metric = RetrainPolicy.optText(n, "metric", "gates[].metric");
        if (metric == null || metric.isBlank()) {
            throw RegistryException.invalid("each gate needs a 'metric'");
        }
        if (MIN_VS_CHAMPION.equals(type)) {
            double tol = RetrainPolicy.number(n, "tolerance", 0);
            if (tol < 0) {
                throw RegistryException.invalid("gate tolerance must be >= 0");
            }
            return new ValidationGate(type, metric, tol);
        }
        if (MAX_VALUE.equals(type) || MAX_SEGMENT_GAP.equals(type)) {
            if (!n.has("max")) {
                throw RegistryException.invalid("gate " + type + " needs 'max'");
            }
            return new ValidationGate(type, metric, RetrainPolicy.number(n, "max", 0));
        }
        throw RegistryException.invalid(
                "gate type must be min_vs_champion, max_value or max_segment_gap; was " + type);
    }

    /** The verdict on the reported metrics. */
    public GateResult evaluate(JsonNode metrics) {
        JsonNode cand = metrics.path("candidate").path(metric);
        switch (type) {
            case MIN_VS_CHAMPION -> {
                if (!cand.isNumber()) {
                    return notReported("candidate");
                }
                JsonNode champ = metrics.path("champion").path(metric);
                if (!champ.isNumber()) {
                    return new GateResult(
                            type,
                            metric,
                            true,
                            cand.asDouble(),
                            null,
                            null,
                            "no champion value to compare with: passes");
                }
                double bound = champ.asDouble() - limit;
                boolean ok = cand.asDouble() >= bound;
                return new GateResult(
                        type,
                        metric,
                        ok,
                        cand.asDouble(),
                        bound,
                        champ.asDouble(),
                        String.format(
                                Locale.ROOT,
                                "candidate %s %.6g %s champion %.6g - tolerance %.6g = %.6g",
                                metric,
                                cand.asDouble(),
                                ok ? ">=" : "<",
                                champ.asDouble(),
                                limit,
                                bound));
            }
            case MAX_VALUE -> {
                if (!cand.isNumber()) {
                    return notReported("candidate");
                }
                boolean ok = cand.asDouble() <= limit;
                return new GateResult(
                        type,
                        metric,
                        ok,
                        cand.asDouble(),
                        limit,
                        null,
                        String.format(
                                Locale.ROOT,
                                "candidate %s %.6g %s max %.6g",
                                metric,
                                cand.asDouble(),
                                ok ? "<=" : ">",
                                limit));
            }
            default -> {
                JsonNode seg = metrics.path("segments").path(metric);
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                String minName = "";
                String maxName = "";
                int count = 0;
                for (var it = seg.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().isNumber()) {
                        continue;
                    }
                    double v = e.getValue().asDouble();
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
