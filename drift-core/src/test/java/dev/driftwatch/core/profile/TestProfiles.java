package dev.driftwatch.core.profile;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small deterministic profiles for tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /**
     * A profile with numeric "amount" (normal, 2000 rows, 20 missing) and categorical "country".
     */
    public static ReferenceProfile amountAndCountry() {
        return amountAndCountry(2000);
    }

    /**
     * The same with {@code rows} rows; at most 200 finite rows keep the KLL sketch in exact mode,
     * so its bytes are deterministic.
     */
    public static ReferenceProfile amountAndCountry(int rows) {
        Random random = new Random(42);
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        String[] countries = {"DE", "FR", "IT", "ES"};
        for (int i = 0; i < rows; i++) {
            amount.add(i % 100 == 0 ? Double.NaN : 50 + 10 * random.nextGaussian());
            country.add(countries[Math.min(3, (int) Math.abs(random.nextGaussian() * 1.5))]);
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("amount", amount.build(10));
        features.put("country", country.build());
        return new ReferenceProfile("fraud", "7", Instant.parse("2026-11-26T10:00:00Z"), features);
    }
}
