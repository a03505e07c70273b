package dev.driftwatch.jobs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A corpus of hostile records for the jobs' inputs: every kind of broken, oversized, ambiguous or
 * adversarial record the event and label contracts must survive. All of them name the model {@value
 * #MODEL} (or a broken name), never a model of the normal traffic, and carry a time inside the
 * normal traffic's, so that they cannot change the normal traffic's rows. Each {@link #events} or
 * {@link #labels} call gives one copy of the corpus; copies differ in their ids, so a larger mix is
 * many copies.
 */
public final class HostileRecords {
    private HostileRecords() {}

    /** The model the hostile records name (when their model name is not the broken part). */
    public static final String MODEL = "hostile";

    /** Kinds the contract accepts (valid records, read as documented): not dead-lettered. */
    public static final List<String> ACCEPTED_EVENTS =
            List.of("unknown-fields", "duplicate-prediction-id", "nan-as-string");

    public static final List<String> ACCEPTED_LABELS =
            List.of("unknown-fields", "label-for-unknown-prediction");

    /** One hostile record: its kind and its value (null: a tombstone). */
    public record Hostile(String kind, byte[] value) {}

    /** One copy of the event corpus (predictions and features), at time {@code ts}. */
    public static List<Hostile> events(int copy, long ts) {
        List<Hostile> out = new ArrayList<>();
        String id = "h-" + copy + "-";
        add(
                out,
                "nul-in-prediction-id",
                event(q(id + "a\\u0000b"), q(MODEL), q("1"), ts, FEATURES));
        add(
                out,
                "nul-in-model-name",
                event(q(id + 1), q(MODEL + "\\u0000x"), q("1"), ts, FEATURES));
        add(out, "nul-in-model-version", event(q(id + 2), q(MODEL), q("1\\u0000"), ts, FEATURES));
        add(
                out,
                "nul-in-feature-name",
                event(q(id + 3), q(MODEL), q("1"), ts, "{\"am\\u0000ount\": 1}"));
        add(
                out,
                "nul-in-tag",
                base(id + 4, ts)
                        .replace(
                                "\"prediction\"",
                                "\"tags\": {\"region\\u0000\": \"eu\"}, \"prediction\""));
        add(out, "name-300", event(q(id + 5), q("m".repeat(300)), q("1"), ts, FEATURES));
        add(
                out,
                "name-3000",
                event(q(id + 6), q(MODEL), q("1"), ts, "{\"" + "f".repeat(3000) + "\": 1}"));
        add(
                out,
                "far-future-timestamp",
                event(q(id + 7), q(MODEL), q("1"), "\"2999-01-01T00:00:00Z\"", FEATURES));
        add(
                out,
                "pre-1970-timestamp",
                event(q(id + 8), q(MODEL), q("1"), "\"1969-07-20T20:17:00Z\"", FEATURES));
        out.add(new Hostile("invalid-utf8", invalidUtf8(base(id + 9, ts))));
        add(
                out,
                "record-1mb",
                base(id + 10, ts)
                        .replace(
                                "{\"prediction_id\"",
                                "{\"pad\": \"" + "x".repeat(1_000_000) + "\", \"prediction_id\""));
        add(
                out,
                "nesting-10000",
                base(id + 11, ts)
                        .replace(
                                "{\"prediction_id\"",
                                "{\"deep\": "
                                        + "[".repeat(10_000)
                                        + "]".repeat(10_000)
                                        + ", \"prediction_id\""));
        add(out, "wrong-type-prediction-id", event("[1]", q(MODEL), q("1"), ts, FEATURES));
        add(out, "wrong-type-model-name", event(q(id + 12), "{\"a\": 1}", q("1"), ts, FEATURES));
        add(out, "wrong-type-model-version", event(q(id + 13), q(MODEL), "true", ts, FEATURES));
        add(out, "wrong-type-timestamp", event(q(id + 14), q(MODEL), q("1"), "true", FEATURES));
        add(out, "wrong-type-features", event(q(id + 15), q(MODEL), q("1"), ts, "[1, 2]"));
        add(
                out,
                "wrong-type-feature-value",
                event(q(id + 16), q(MODEL), q("1"), ts, "{\"amount\": {\"x\": 1}}"));
        add(
                out,
                "wrong-type-prediction",
                base(id + 17, ts).replace("{\"score\": 0.5}", "\"high\""));
        add(
                out,
                "wrong-type-score",
                base(id + 18, ts).replace("{\"score\": 0.5}", "{\"score\": [1]}"));
        add(
                out,
                "wrong-type-tags",
                base(id + 19, ts).replace("\"prediction\"", "\"tags\": 5, \"prediction\""));
        add(out, "nan-bare", event(q(id + 20), q(MODEL), q("1"), ts, "{\"amount\": NaN}"));
        add(
                out,
                "infinity-bare",
                event(q(id + 21), q(MODEL), q("1"), ts, "{\"amount\": -Infinity}"));
        add(
                out,
                "infinity-as-string-score",
                base(id + 22, ts).replace("{\"score\": 0.5}", "{\"score\": \"Infinity\"}"));
        add(out, "nan-as-string", event(q(id + 23), q(MODEL), q("1"), ts, "{\"amount\": \"NaN\"}"));
        add(out, "huge-number", event(q(id + 24), q(MODEL), q("1"), ts, "{\"amount\": 1e400}"));
        add(
                out,
                "huge-array",
                event(
                        q(id + 25),
                        q(MODEL),
                        q("1"),
                        ts,
                        "{\"amount\": ["
                                + String.join(",", Collections.nCopies(100_000, "0"))
                                + "]}"));
        add(
                out,
                "duplicate-keys",
                base(id + 26, ts)
                        .replace(
                                "{\"prediction_id\"",
                                "{\"model_name\": \"other\", \"prediction_id\""));
        add(out, "duplicate-prediction-id", base(id + 27, ts));
        add(out, "duplicate-prediction-id", base(id + 27, ts));
        out.add(new Hostile("empty", new byte[0]));
        out.add(new Hostile("tombstone", null));
        out.add(new Hostile("binary-garbage", garbage(copy)));
        add(out, "not-an-object", "[1, 2, 3]");
        add(out, "trailing-content", base(id + 28, ts) + " {}");
        add(
                out,
                "missing-timestamp",
                "{\"prediction_id\": \""
                        + id
                        + 29
                        + "\", \"model_name\": \""
                        + MODEL
                        + "\", \"model_version\": \"1\", \"features\": "
                        + FEATURES
                        + "}");
        add(
                out,
                "unknown-fields",
                base(id + 30, ts)
                        .replace(
                                "{\"prediction_id\"",
                                "{\"extra\": {\"nested\": [1, {\"x\": null}]}, \"prediction_id\""));
        return out;
    }

    /** One copy of the label corpus, at time {@code ts}. */
    public static List<Hostile> labels(int copy, long ts) {
        List<Hostile> out = new ArrayList<>();
        String id = "h-" + copy + "-";
        add(out, "nul-in-prediction-id", label(q(id + "a\\u0000b"), q(MODEL), ts, q("1")));
        add(out, "nul-in-model-name", label(q(id + 1), q(MODEL + "\\u0000"), ts, q("1")));
        add(out, "nul-in-label", label(q(id + 2), q(MODEL), ts, q("1\\u0000")));
        add(out, "name-300", label(q(id + 3), q("m".repeat(300)), ts, q("1")));
        add(out, "name-3000", label(q("p".repeat(3000)), q(MODEL), ts, q("1")));
        add(
                out,
                "far-future-timestamp",
                label(q(id + 4), q(MODEL), "\"2999-01-01T00:00:00Z\"", q("1")));
        out.add(new Hostile("invalid-utf8", invalidUtf8(label(q(id + 5), q(MODEL), ts, q("1")))));
        add(
                out,
                "record-1mb",
                label(q(id + 6), q(MODEL), ts, q("1"))
                        .replace(
                                "{\"prediction_id\"",
                                "{\"pad\": \"" + "x".repeat(1_000_000) + "\", \"prediction_id\""));
        add(
                out,
                "nesting-10000",
                label(q(id + 7), q(MODEL), ts, q("1"))
                        .replace(
                                "{\"prediction_id\"",
                                "{\"deep\": "
                                        + "[".repeat(10_000)
                                        + "]".repeat(10_000)
                                        + ", \"prediction_id\""));
        add(out, "wrong-type-prediction-id", label("[1]", q(MODEL), ts, q("1")));
        add(out, "wrong-type-model-name", label(q(id + 8), "{}", ts, q("1")));
        add(out, "wrong-type-timestamp", label(q(id + 9), q(MODEL), "true", q("1")));
        add(out, "wrong-type-label", label(q(id + 10), q(MODEL), ts, "[1]"));
        add(out, "nan-bare", label(q(id + 11), q(MODEL), ts, "NaN"));
        add(
                out,
                "huge-number",
                label(q(id + 12), q(MODEL), ts, q("1"))
                        .replace("\"label\": \"1\"", "\"value\": 1e400"));
        add(
                out,
                "duplicate-keys",
                label(q(id + 13), q(MODEL), ts, q("1"))
                        .replace("{\"prediction_id\"", "{\"label\": \"0\", \"prediction_id\""));
        out.add(new Hostile("empty", new byte[0]));
        out.add(new Hostile("tombstone", null));
        out.add(new Hostile("binary-garbage", garbage(1000 + copy)));
        add(out, "not-an-object", "\"label\"");
        add(
                out,
                "missing-label",
                "{\"prediction_id\": \""
                        + id
                        + 14
                        + "\", \"model_name\": \""
                        + MODEL
                        + "\", \"timestamp\": "
                        + ts
                        + "}");
        add(
                out,
                "unknown-fields",
                label(q(id + 15), q(MODEL), ts, q("1"))
                        .replace("{\"prediction_id\"", "{\"extra\": [1, 2], \"prediction_id\""));
        add(out, "label-for-unknown-prediction", label(q(id + 16), q(MODEL), ts, q("1")));
        return out;
    }

    private static final String FEATURES = "{\"amount\": 1.5, \"country\": \"DE\"}";

    private static String base(String id, long ts) {
        return event(q(id), q(MODEL), q("1"), ts, FEATURES);
    }

    private static String event(String id, String model, String version, long ts, String features) {
        return event(id, model, version, Long.toString(ts), features);
    }

    private static String event(
            String id, String model, String version, String ts, String features) {
        return String.format(
                Locale.ROOT,
                "{\"prediction_id\": %s, \"model_name\": %s, \"model_version\": %s, \"timestamp\": %s,"
                        + " \"features\": %s, \"prediction\": {\"score\": 0.5}}",
                id,
                model,
                version,
                ts,
                features);
    }

    private static String label(String id, String model, long ts, String value) {
        return label(id, model, Long.toString(ts), value);
    }

    private static String label(String id, String model, String ts, String value) {
        return String.format(
                Locale.ROOT,
                "{\"prediction_id\": %s, \"model_name\": %s, \"timestamp\": %s, \"label\": %s}",
                id,
                model,
                ts,
                value);
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static void add(List<Hostile> out, String kind, String json) {
        out.add(new Hostile(kind, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The record with an invalid UTF-8 sequence (0xC3 0x28) inside the model name. */
    private static byte[] invalidUtf8(String json) {
        String marker = "\"" + MODEL + "\"";
        int at = json.indexOf(marker) + 1;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        b.write(0xC3);
        b.write(0x28);
        b.writeBytes(json.substring(at).getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] garbage(int seed) {
        byte[] b = new byte[512];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF; // never valid JSON
        return b;
    }
}
