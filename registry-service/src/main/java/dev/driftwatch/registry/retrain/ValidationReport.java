package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a validation run reports on the holdout: {@code {"candidate": {metric: number}, "champion":
 * {metric: number}, "segments": {metric: {segment: number}}}}. Read strictly: any other field, or a
 * value that is not a finite number where one belongs (a {@code champion} object nested in {@code
 * candidate}), is refused with the field's path, so a misplaced value never reaches the gates as
 * "not reported".
 *
 * <pre>{@code
 * ValidationReport r = ValidationReport.parse(body);
 * double auc = r.candidate().get("roc_auc");
 * }</pre>
 */
public record ValidationReport(
        Map<String, Double> candidate,
        Map<String, Double> champion,
        Map<String, Map<String, Double>> segments) {
    private static final Set<String> FIELDS = Set.of("candidate", "champion", "segments");

    public ValidationReport {
        candidate = Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
        champion = Collections.unmodifiableMap(new LinkedHashMap<>(champion));
        segments = Collections.unmodifiableMap(new LinkedHashMap<>(segments));
    }

    /** Reads a report; the refusal names the field. {@code candidate} is required. */
    public static ValidationReport parse(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("candidate")) {
            throw RegistryException.invalid(
                    "validation metrics must be {\"candidate\": {metric: number}, \"champion\":"
                            + " {metric: number}, \"segments\": {metric: {segment: number}}}");
        }
        JsonFields r = JsonFields.of(body, "", FIELDS);
        Map<String, Map<String, Double>> segments = new LinkedHashMap<>();
        r.object("segments")
                .ifPresent(
                        s ->
                                s.fieldNames()
                                        .forEach(
                                                metric -> segments.put(metric, s.numbers(metric))));
        r.object("candidate").orElseThrow(() -> r.invalid("candidate", "must be an object"));
        return new ValidationReport(r.numbers("candidate"), r.numbers("champion"), segments);
    }

    /** The report as JSON, as the API shows it. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ObjectNode c = n.putObject("candidate");
        candidate.forEach(c::put);
        ObjectNode ch = n.putObject("champion");
        champion.forEach(ch::put);
        ObjectNode s = n.putObject("segments");
        segments.forEach((metric, values) -> values.forEach(s.putObject(metric)::put));
        return n;
    }
}
