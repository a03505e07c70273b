package dev.driftwatch.core.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The baseline a model version's traffic is compared with: one {@link FeatureReference} per
 * feature, in a fixed order. Serialised as JSON ({@link #toJson()}, {@link #fromJson(String)}),
 * format version {@value #FORMAT_VERSION}; version 1 (a numeric feature's distribution as a KLL
 * sketch) is still read, its sketch becoming a summary with the sketch's error terms. Both versions
 * carry the optional reference performance and calibration sections.
 *
 * <pre>{@code
 * ReferenceProfile profile = new ReferenceProfile("fraud", "7", Instant.now(), features);
 * String json = profile.toJson();
 * ReferenceProfile back = ReferenceProfile.fromJson(json);
 * }</pre>
 */
public final class ReferenceProfile {
    public static final int FORMAT_VERSION = 2;

    /** The oldest format version {@link #fromJson} reads. */
    public static final int OLDEST_READABLE_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String modelName;
    private final String modelVersion;
    private final Instant createdAt;
    private final Map<String, FeatureReference> features;
    private final Map<String, Double> performance;
    private final Calibration calibration;

    public ReferenceProfile(
            String modelName,
            String modelVersion,
            Instant createdAt,
            Map<String, FeatureReference> features) {
        this(modelName, modelVersion, createdAt, features, Map.of());
    }

    /**
     * A profile that also records the model's reference performance (e.g. {@code roc_auc} on its
     * validation set), against which the performance job measures drops.
     */
    public ReferenceProfile(
            String modelName,
            String modelVersion,
            Instant createdAt,
            Map<String, FeatureReference> features,
            Map<String, Double> performance) {
        this(modelName, modelVersion, createdAt, features, performance, null);
    }

    /**
     * A profile that also carries the calibration of the model's scores, fitted on the reference
     * labels, from which performance is estimated before labels arrive.
     *
     * @param calibration the calibration, or null when there is none
     */
    public ReferenceProfile(
            String modelName,
            String modelVersion,
            Instant createdAt,
            Map<String, FeatureReference> features,
            Map<String, Double> performance,
            Calibration calibration) {
        if (modelName == null || modelName.isBlank()) {
            throw new DriftCoreException("reference profile: model_name is required");
        }
        if (modelVersion == null || modelVersion.isBlank()) {
            throw new DriftCoreException("reference profile: model_version is required");
        }
        if (features.isEmpty()) {
            throw new DriftCoreException("reference profile: no features");
        }
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.createdAt = createdAt;
        this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        for (Map.Entry<String, Double> e : performance.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new DriftCoreException(
                        "reference profile: performance."
                                + e.getKey()
                                + " must be a finite number");
            }
        }
        this.performance = Collections.unmodifiableMap(new LinkedHashMap<>(performance));
        this.calibration = calibration;
    }

    public String modelName() {
        return modelName;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Features in profile order. */
    public Map<String, FeatureReference> features() {
        return features;
    }

    /** Feature names in profile order. */
    public List<String> featureNames() {
        return new ArrayList<>(features.keySet());
    }

    /** Reference performance values by metric name (empty when none were recorded). */
    public Map<String, Double> performance() {
        return performance;
    }

    /** The calibration of the model's scores, when the reference had labels. */
    public Optional<Calibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    public FeatureReference feature(String name) {
        return features.get(name);
    }

    /** A new, empty window over all features of this profile. */
    public WindowProfile newWindow() {
        return WindowProfile.newInstance(this);
    }

    /** The JSON form. */
    public String toJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new DriftCoreException("cannot write reference profile", e);
        }
    }

    /** The JSON form as a tree. */
    public ObjectNode toJsonNode() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("model_name", modelName);
        root.put("model_version", modelVersion);
        root.put("created_at", createdAt.toString());
        ObjectNode fs = root.putObject("features");
        for (Map.Entry<String, FeatureReference> e : features.entrySet()) {
            ObjectNode f = fs.putObject(e.getKey());
            if (e.getValue() instanceof NumericReference r) {
                writeNumeric(f, r);
            } else {
                writeCategorical(f, (CategoricalReference) e.getValue());
            }
        }
        if (!performance.isEmpty()) {
            ObjectNode perf = root.putObject("performance");
            performance.forEach(perf::put);
        }
        if (calibration != null) {
            root.set("calibration", calibration.toJsonNode());
        }
        return root;
    }

    private static void writeNumeric(ObjectNode f, NumericReference r) {
        f.put("type", FeatureType.NUMERIC.configName());
        f.put("count", r.count());
        f.put("missing", r.missing());
        f.put("non_finite", r.nonFinite());
        f.put("mean", r.mean());
        f.put("std", r.std());
        f.put("min", r.min());
        f.put("max", r.max());
        ArrayNode edges = f.putArray("bin_edges");
        for (double e : r.edgesShared()) {
            edges.add(e);
        }
        ArrayNode counts = f.putArray("bin_counts");
        for (long c : r.binCounts()) {
            counts.add(c);
        }
        ArrayNode props = f.putArray("bin_proportions");
        for (double p : r.binProportions()) {
            props.add(p);
        }
        EmpiricalDistribution d = r.distribution();
        ObjectNode dist = f.putObject("distribution");
        dist.put("form", d.isExact() ? "exact" : "summary");
        dist.put("points", d.size());
        dist.put("values", Base64.getEncoder().encodeToString(valueBytes(d)));
        dist.put("counts", Base64.getEncoder().encodeToString(countBytes(d)));
        dist.put("rank_error", d.rankError());
        dist.put("wasserstein_error", d.wassersteinError());
        f.put("window_kll_k", r.windowSketchK());
    }

    private static byte[] valueBytes(EmpiricalDistribution d) {
        ByteBuffer b = ByteBuffer.allocate(8 * d.size());
        for (int i = 0; i < d.size(); i++) {
            b.putDouble(d.value(i));
        }
        return b.array();
    }

    private static byte[] countBytes(EmpiricalDistribution d) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 * d.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (int i = 0; i < d.size(); i++) {
                Varint.write(out, d.weight(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeCategorical(ObjectNode f, CategoricalReference r) {
        f.put("type", FeatureType.CATEGORICAL.configName());
        f.put("count", r.count());
        f.put("missing", r.missing());
        ObjectNode cats = f.putObject("category_counts");
        long[] counts = r.categoryCounts();
        for (int i = 0; i < counts.length; i++) {
            cats.put(r.categories().get(i), counts[i]);
        }
        f.put("other_count", r.otherCount());
        ObjectNode props = f.putObject("category_proportions");
        double nonMissing = r.count() - r.missing();
        for (int i = 0; i < counts.length; i++) {
            props.put(r.categories().get(i), counts[i] / nonMissing);
        }
    }

    /**
     * Parses and validates the JSON form.
     *
     * @throws DriftCoreException naming the first field that is missing or invalid
     */
    public static ReferenceProfile fromJson(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DriftCoreException(
                    "reference profile: not valid JSON: " + e.getOriginalMessage());
        }
        return fromJsonNode(root);
    }

    /** Validates and converts a parsed JSON tree. */
    public static ReferenceProfile fromJsonNode(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new DriftCoreException("reference profile: expected a JSON object");
        }
        int version = intField(root, "format_version", "");
        if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
            throw new DriftCoreException(
                    "reference profile: unsupported format_version "
                            + version
                            + " (this version reads "
                            + OLDEST_READABLE_VERSION
                            + " to "
                            + FORMAT_VERSION
                            + ")");
        }
        String model = textField(root, "model_name", "");
        String modelVersion = textField(root, "model_version", "");
        Instant created;
        try {
            created = Instant.parse(textField(root, "created_at", ""));
        } catch (DateTimeParseException e) {
            throw new DriftCoreException(
                    "reference profile: created_at is not an RFC 3339 instant");
        }
        JsonNode fs = root.get("features");
        if (fs == null || !fs.isObject()) {
            throw new DriftCoreException("reference profile: features must be an object");
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = fs.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "features." + e.getKey() + ".";
            try {
                features.put(e.getKey(), readFeature(e.getValue(), where, version));
            } catch (DriftCoreException ex) {
                String msg = ex.getMessage();
                throw new DriftCoreException(
                        msg.startsWith("reference profile:")
                                ? msg
                                : "reference profile: feature '" + e.getKey() + "': " + msg);
            }
        }
        Map<String, Double> performance = new LinkedHashMap<>();
        JsonNode perf = root.get("performance");
        if (perf != null) {
            if (!perf.isObject()) {
                throw new DriftCoreException("reference profile: performance must be an object");
            }
            Iterator<Map.Entry<String, JsonNode>> pit = perf.fields();
            while (pit.hasNext()) {
                Map.Entry<String, JsonNode> e = pit.next();
                performance.put(e.getKey(), number(e.getValue(), "performance." + e.getKey()));
            }
        }
        Calibration calibration = null;
        if (root.has("calibration")) {
            try {
                calibration = Calibration.fromJsonNode(root.get("calibration"));
            } catch (DriftCoreException e) {
                throw new DriftCoreException("reference profile: " + e.getMessage());
            }
        }
        return new ReferenceProfile(
                model, modelVersion, created, features, performance, calibration);
    }

    private static FeatureReference readFeature(JsonNode f, String where, int version) {
        if (!f.isObject()) {
            throw new DriftCoreException("reference profile: " + where + " must be an object");
        }
        String type = textField(f, "type", where);
        return switch (type) {
            case "numeric" -> readNumeric(f, where, version);
            case "categorical" -> readCategorical(f, where);
            default ->
                    throw new DriftCoreException(
                            "reference profile: "
                                    + where
                                    + "type must be numeric or categorical, was '"
                                    + type
                                    + "'");
        };
    }

    private static NumericReference readNumeric(JsonNode f, String where, int version) {
        JsonNode edgesNode = arrayField(f, "bin_edges", where);
        double[] edges = new double[edgesNode.size()];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = number(edgesNode.get(i), where + "bin_edges[" + i + "]");
        }
        JsonNode countsNode = arrayField(f, "bin_counts", where);
        long[] counts = new long[countsNode.size()];
        for (int i = 0; i < counts.length; i++) {
            JsonNode c = countsNode.get(i);
            if (!c.canConvertToLong() || !c.isIntegralNumber()) {
                throw new DriftCoreException(
                        "reference profile: " + where + "bin_counts[" + i + "] must be an integer");
            }
            counts[i] = c.asLong();
        }
        EmpiricalDistribution distribution;
        int windowSketchK;
        if (version == 1) {
            distribution = readKllSketch(f, where);
            windowSketchK = intField(f, "kll_k", where);
        } else {
            distribution = readDistribution(f, where);
            windowSketchK = intField(f, "window_kll_k", where);
        }
        return new NumericReference(
                longField(f, "count", where),
                longField(f, "missing", where),
                f.has("non_finite") ? longField(f, "non_finite", where) : 0,
                number(f.get("mean"), where + "mean"),
                number(f.get("std"), where + "std"),
                number(f.get("min"), where + "min"),
                number(f.get("max"), where + "max"),
                edges,
                counts,
                distribution,
                windowSketchK);
    }

    /** Format 1: the finite values as a KLL sketch, read as a summary with its error terms. */
    private static EmpiricalDistribution readKllSketch(JsonNode f, String where) {
        try {
            byte[] bytes = Base64.getDecoder().decode(textField(f, "kll_sketch", where));
            return EmpiricalDistribution.ofSketch(KllDoublesSketch.heapify(Memory.wrap(bytes)));
        } catch (RuntimeException e) {
            throw new DriftCoreException(
                    "reference profile: "
                            + where
                            + "kll_sketch is not a base64 KLL doubles sketch");
        }
    }

    private static EmpiricalDistribution readDistribution(JsonNode f, String where) {
        JsonNode d = f.get("distribution");
        String at = where + "distribution.";
        if (d == null || !d.isObject()) {
            throw new DriftCoreException(
                    "reference profile: " + where + "distribution must be an object");
        }
        String form = textField(d, "form", at);
        if (!form.equals("exact") && !form.equals("summary")) {
            throw new DriftCoreException(
                    "reference profile: "
                            + at
                            + "form must be exact or summary, was '"
                            + form
                            + "'");
        }
        long points = longField(d, "points", at);
        if (points < 1 || points > NumericReferenceBuilder.MAX_POINTS_LIMIT) {
            throw new DriftCoreException(
                    "reference profile: "
                            + at
                            + "points must be in [1, "
                            + NumericReferenceBuilder.MAX_POINTS_LIMIT
                            + "]");
        }
        int size = (int) points;
        double[] values = new double[size];
        long[] counts = new long[size];
        try {
            ByteBuffer v = ByteBuffer.wrap(Base64.getDecoder().decode(textField(d, "values", at)));
            if (v.remaining() != 8 * size) {
                throw new DriftCoreException(
                        "reference profile: " + at + "values must hold " + size + " doubles");
            }
            for (int i = 0; i < size; i++) {
                values[i] = v.getDouble();
            }
            DataInputStream c =
                    new DataInputStream(
                            new ByteArrayInputStream(
                                    Base64.getDecoder().decode(textField(d, "counts", at))));
            for (int i = 0; i < size; i++) {
                counts[i] = Varint.read(c, "reference profile: " + at + "counts");
            }
            if (c.read() != -1) {
                throw new DriftCoreException(
                        "reference profile: " + at + "counts must hold " + size + " counts");
            }
        } catch (IllegalArgumentException e) {
            throw new DriftCoreException(
                    "reference profile: " + at + "values and counts must be base64");
        } catch (EOFException e) {
            throw new DriftCoreException(
                    "reference profile: " + at + "counts must hold " + size + " counts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double rankError = number(d.get("rank_error"), at + "rank_error");
        double wassersteinError = number(d.get("wasserstein_error"), at + "wasserstein_error");
        EmpiricalDistribution distribution;
        try {
            distribution =
                    EmpiricalDistribution.ofCounts(
                            values, counts, size, rankError, wassersteinError);
        } catch (IllegalArgumentException e) {
            throw new DriftCoreException("reference profile: " + at + e.getMessage());
        }
        if (form.equals("exact") != distribution.isExact()) {
            throw new DriftCoreException(
                    "reference profile: "
                            + at
                            + "an exact distribution has rank_error and wasserstein_error 0, a summary does not");
        }
        return distribution;
    }

    private static CategoricalReference readCategorical(JsonNode f, String where) {
        JsonNode cats = f.get("category_counts");
        if (cats == null || !cats.isObject()) {
            throw new DriftCoreException(
                    "reference profile: " + where + "category_counts must be an object");
        }
        List<String> names = new ArrayList<>();
        long[] counts = new long[cats.size()];
        Iterator<Map.Entry<String, JsonNode>> it = cats.fields();
        int i = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber()) {
                throw new DriftCoreException(
                        "reference profile: "
                                + where
                                + "category_counts."
                                + e.getKey()
                                + " must be an integer");
            }
            names.add(e.getKey());
            counts[i++] = e.getValue().asLong();
        }
        return new CategoricalReference(
                longField(f, "count", where),
                longField(f, "missing", where),
                names,
                counts,
                f.has("other_count") ? longField(f, "other_count", where) : 0);
    }

    private static String textField(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new DriftCoreException(
                    "reference profile: " + where + name + " is required and must be a string");
        }
        return v.asText();
    }

    private static long longField(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new DriftCoreException(
                    "reference profile: " + where + name + " is required and must be an integer");
        }
        return v.asLong();
    }

    private static int intField(JsonNode node, String name, String where) {
        long v = longField(node, name, where);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static JsonNode arrayField(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || !v.isArray()) {
            throw new DriftCoreException(
                    "reference profile: " + where + name + " is required and must be an array");
        }
        return v;
    }

    private static double number(JsonNode v, String where) {
        if (v == null || !v.isNumber()) {
            throw new DriftCoreException(
                    "reference profile: " + where + " is required and must be a number");
        }
        return v.asDouble();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceProfile p
                && modelName.equals(p.modelName)
                && modelVersion.equals(p.modelVersion)
                && createdAt.equals(p.createdAt)
                && features.equals(p.features)
                && performance.equals(p.performance)
                && java.util.Objects.equals(calibration, p.calibration);
    }

    @Override
    public int hashCode() {
        return modelName.hashCode() * 31 + modelVersion.hashCode();
    }
}
