package dev.driftwatch.jobs;

import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Reference profiles and events the jobs' tests share. */
public final class TestEvents {
    private TestEvents() {}

    /**
     * A profile of model {@code model} version 1 with {@code amount} ~ N(50, 10), {@code country}
     * uniform over DE, FR, IT and {@code prediction.score} uniform on [0, 1).
     */
    public static ReferenceProfile reference(String model) {
        Random random = new Random(1);
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        NumericReferenceBuilder score = new NumericReferenceBuilder();
        for (int i = 0; i < 5000; i++) {
            amount.add(50 + 10 * random.nextGaussian());
            country.add(new String[] {"DE", "FR", "IT"}[random.nextInt(3)]);
            score.add(random.nextDouble());
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("amount", amount.build(10));
        features.put("country", country.build());
        features.put("prediction.score", score.build(10));
        return new ReferenceProfile(model, "1", Instant.parse("2026-11-01T00:00:00Z"), features);
    }

    /** Event JSON of model {@code model} version 1. */
    public static byte[] event(
            String model, long ts, int i, double amount, String country, double score) {
        return String.format(
                        java.util.Locale.ROOT,
                        "{\"prediction_id\":\"p-%d-%d\",\"model_name\":\"%s\",\"model_version\":\"1\","
                                + "\"timestamp\":%d,\"features\":{\"amount\":%s,\"country\":\"%s\"},"
                                + "\"prediction\":{\"score\":%s,\"label\":\"1\"}}",
                        ts,
                        i,
                        model,
                        ts,
                        Double.toString(amount),
                        country,
                        Double.toString(score))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A one-feature profile of model m version 1: x over {@code center} + 0..99. */
    public static ReferenceProfile profile(double center, Instant created) {
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < 100; i++) {
            b.add(center + i);
        }
        return new ReferenceProfile("m", "1", created, Map.of("x", b.build(10)));
    }
}
