package dev.driftwatch.testsupport;

import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.time.Instant;
import java.util.Map;

/** Valid drift-core reference profiles for tests. */
public final class TestProfiles {
    private TestProfiles() {}

    /**
     * The JSON of a profile of {@code model} at a numeric {@code version}, with one numeric feature
     * {@code amount} (200 values, shifted by the version so that versions differ).
     */
    public static String json(String model, String version) {
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        for (int i = 0; i < 200; i++) {
            amount.add(i * 0.5 + Integer.parseInt(version));
        }
        return new ReferenceProfile(
                        model,
                        version,
                        Instant.parse("2026-11-26T10:00:00Z"),
                        Map.of("amount", amount.build(10)))
                .toJson();
    }
}
