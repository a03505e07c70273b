package dev.driftwatch.core.drift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.FeatureType;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drift rules for a whole model: the {@link DriftRule}; for the {@code two_sample_test} rule its
 * false-discovery-rate levels; for the {@code threshold} rule a policy per feature type,
 * per-feature overrides and the sample-size guard level; and the share of drifted features that
 * makes the dataset drifted.
 *
 * <p>Defaults: rule {@code two_sample_test} at FDR level 0.01 (critical 0.001) with an effect-size
 * floor of 0.03; dataset drift when at least half the features drifted. The {@code threshold}
 * rule's defaults: PSI for numeric and categorical features (0.1 warning, 0.25 critical), guard
 * quantile 0.99 (an effect size must also exceed the 99th percentile of its no-drift distribution
 * at these sample sizes).
 *
 * <p>JSON form (every field optional; a file that sets {@code numeric}, {@code categorical}, {@code
 * features} or {@code guard_quantile} without a {@code rule} uses the {@code threshold} rule):
 *
 * <pre>{@code
 * {"rule": "two_sample_test", "level": 0.01, "critical_level": 0.001, "effect_floor": 0.03,
 *  "dataset_drift_share": 0.5}
 *
 * {"rule": "threshold",
 *  "numeric": {"method": "psi", "warning": 0.1, "critical": 0.25},
 *  "categorical": {"method": "chi_square"},
 *  "features": {"age": {"method": "wasserstein_normalized", "warning": 0.2}},
 *  "guard_quantile": 0.99, "dataset_drift_share": 0.5}
 * }</pre>
 */
public record DriftPolicies(
        DriftRule rule,
        double level,
        double criticalLevel,
        DriftPolicy numeric,
        DriftPolicy categorical,
        Map<String, DriftPolicy> overrides,
        double guardQuantile,
        double datasetDriftShare,
        double effectFloor)
        implements java.io.Serializable {

    public static final double DEFAULT_GUARD_QUANTILE = 0.99;
    public static final double DEFAULT_DATASET_DRIFT_SHARE = 0.5;

    /** The {@code two_sample_test} rule's default false-discovery-rate level. */
    public static final double DEFAULT_LEVEL = 0.01;

    /** The {@code two_sample_test} rule's default level for critical severity. */
    public static final double DEFAULT_CRITICAL_LEVEL = 0.001;

    /**
     * The {@code two_sample_test} rule's default effect-size floor: a feature whose test rejects
     * drifts only when its KS statistic less its error bound (numeric) or its largest difference of
     * a category's proportion (categorical) is at least this. A normal shift of 0.05 sd has a KS
     * distance of 0.020, 0.1 sd 0.040, 0.2 sd 0.080.
     */
    public static final double DEFAULT_EFFECT_FLOOR = 0.03;

    private static final java.util.Set<String> THRESHOLD_FIELDS =
            java.util.Set.of("numeric", "categorical", "features", "guard_quantile");

    public DriftPolicies {
        if (rule == null) {
            throw new DriftCoreException("drift policy: rule is required");
        }
        if (!(level > 0 && level < 1) || !(criticalLevel > 0 && criticalLevel <= level)) {
            throw new DriftCoreException(
                    "drift policy: level must be in (0, 1) and critical_level in (0, level]");
        }
        if (rule != DriftRule.THRESHOLD && !overrides.isEmpty()) {
            throw new DriftCoreException(
                    "drift policy: per-feature methods apply only to rule threshold, not "
                            + rule.configName());
        }
        if (!numeric.method().appliesTo(FeatureType.NUMERIC)) {
            throw new DriftCoreException(
                    "drift policy: "
                            + numeric.method().configName()
                            + " does not apply to numeric features");
        }
        if (!categorical.method().appliesTo(FeatureType.CATEGORICAL)) {
            throw new DriftCoreException(
                    "drift policy: "
                            + categorical.method().configName()
                            + " does not apply to categorical features");
        }
        if (!(guardQuantile > 0 && guardQuantile < 1)) {
            throw new DriftCoreException("drift policy: guard_quantile must be in (0, 1)");
        }
        if (!(datasetDriftShare > 0 && datasetDriftShare <= 1)) {
            throw new DriftCoreException("drift policy: dataset_drift_share must be in (0, 1]");
        }
        if (!(effectFloor >= 0 && effectFloor < 1)) {
            throw new DriftCoreException("drift policy: effect_floor must be in [0, 1)");
        }
        overrides = Map.copyOf(overrides);
    }

    /** The documented defaults: the {@code two_sample_test} rule. */
    public static DriftPolicies defaults() {
        return of(DriftRule.TWO_SAMPLE_TEST);
    }

    /** A rule with its default settings (for {@code threshold}: PSI for both types). */
    public static DriftPolicies of(DriftRule rule) {
        return new DriftPolicies(
                rule,
                DEFAULT_LEVEL,
                DEFAULT_CRITICAL_LEVEL,
                DriftPolicy.of(DriftMethod.PSI),
                DriftPolicy.of(DriftMethod.PSI),
                Map.of(),
                DEFAULT_GUARD_QUANTILE,
                DEFAULT_DATASET_DRIFT_SHARE,
                DEFAULT_EFFECT_FLOOR);
    }

    /**
     * These policies with one feature's policy overridden (the {@code threshold} rule only).
     *
     * @throws DriftCoreException under another rule
     */
    public DriftPolicies withOverride(String feature, DriftPolicy policy) {
        Map<String, DriftPolicy> m = new LinkedHashMap<>(overrides);
        m.put(feature, policy);
        return new DriftPolicies(
                rule,
                level,
                criticalLevel,
                numeric,
                categorical,
                m,
                guardQuantile,
                datasetDriftShare,
                effectFloor);
    }

    /**
     * These policies with another effect-size floor (the {@code two_sample_test} rule; 0: none).
     */
    public DriftPolicies withEffectFloor(double floor) {
        return new DriftPolicies(
                rule,
                level,
                criticalLevel,
                numeric,
                categorical,
                overrides,
                guardQuantile,
                datasetDriftShare,
                floor);
    }

    /**
     * The policy of a feature of {@code type}.
     *
     * @throws DriftCoreException if its override names a method that does not apply to the type
     */
    public DriftPolicy forFeature(String feature, FeatureType type) {
        DriftPolicy p = overrides.get(feature);
        if (p == null) {
            return type == FeatureType.NUMERIC ? numeric : categorical;
        }
        if (!p.method().appliesTo(type)) {
            throw new DriftCoreException(
                    "drift policy for feature '"
                            + feature
                            + "': "
                            + p.method().configName()
                            + " does not apply to "
                            + type
                            + " features");
        }
        return p;
    }

    /** Reads the JSON form; absent fields keep their defaults. */
    public static DriftPolicies fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new DriftCoreException("drift policy: expected a JSON object");
        }
        boolean thresholdFields = false;
        for (String f : THRESHOLD_FIELDS) {
            thresholdFields |= root.has(f);
        }
        DriftRule rule;
        if (root.has("rule")) {
            JsonNode r = root.get("rule");
            if (!r.isTextual()) {
                throw new DriftCoreException("drift policy: rule must be a string");
            }
            rule = DriftRule.fromConfigName(r.asText());
        } else {
            rule = thresholdFields ? DriftRule.THRESHOLD : DriftRule.TWO_SAMPLE_TEST;
        }
        if (rule != DriftRule.THRESHOLD && thresholdFields) {
            throw new DriftCoreException(
                    "drift policy: numeric, categorical, features and guard_quantile apply only"
                            + " to rule threshold, not "
                            + rule.configName());
        }
        if (rule != DriftRule.TWO_SAMPLE_TEST
                && (root.has("level") || root.has("critical_level"))) {
            throw new DriftCoreException(
                    "drift policy: level and critical_level apply only to rule two_sample_test,"
                            + " not "
                            + rule.configName());
        }
        if (rule != DriftRule.TWO_SAMPLE_TEST && root.has("effect_floor")) {
            throw new DriftCoreException(
                    "drift policy: effect_floor applies only to rule two_sample_test, not "
                            + rule.configName());
        }
        DriftPolicies d = of(rule);
        DriftPolicy numeric =
                root.has("numeric") ? policy(root.get("numeric"), "numeric") : d.numeric;
        DriftPolicy categorical =
                root.has("categorical")
                        ? policy(root.get("categorical"), "categorical")
                        : d.categorical;
        Map<String, DriftPolicy> overrides = new LinkedHashMap<>();
        JsonNode fs = root.get("features");
        if (fs != null) {
            if (!fs.isObject()) {
                throw new DriftCoreException("drift policy: features must be an object");
            }
            Iterator<Map.Entry<String, JsonNode>> it = fs.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                overrides.put(e.getKey(), policy(e.getValue(), "features." + e.getKey()));
            }
        }
        double guard = number(root, "guard_quantile", d.guardQuantile);
        double share = number(root, "dataset_drift_share", d.datasetDriftShare);
        double level = number(root, "level", d.level);
        double criticalLevel = number(root, "critical_level", Math.min(level, d.criticalLevel));
        double effectFloor = number(root, "effect_floor", d.effectFloor);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!THRESHOLD_FIELDS.contains(name)
                    && !java.util.Set.of(
                                    "rule",
                                    "level",
                                    "critical_level",
                                    "effect_floor",
                                    "dataset_drift_share")
                            .contains(name)) {
                throw new DriftCoreException("drift policy: unknown field '" + name + "'");
            }
        }
        return new DriftPolicies(
                rule,
                level,
                criticalLevel,
                numeric,
                categorical,
                overrides,
                guard,
                share,
                effectFloor);
    }

    private static DriftPolicy policy(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new DriftCoreException("drift policy: " + where + " must be an object");
        }
        JsonNode methodNode = node.get("method");
        DriftMethod method =
                methodNode == null
                        ? DriftMethod.PSI
                        : DriftMethod.fromConfigName(methodNode.asText());
        return new DriftPolicy(
                method,
                number(node, "warning", method.defaultWarning()),
                number(node, "critical", method.defaultCritical()));
    }

    private static double number(JsonNode node, String field, double fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new DriftCoreException("drift policy: " + field + " must be a number");
        }
        return v.asDouble();
    }
}
