package dev.driftwatch.benchmarks;

import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Serialised state per feature × window: the drift job's {@link WindowProfile} bytes (what its
 * keyed state and checkpoints hold) divided by the number of features, after a window of a given
 * number of events of one model; and, for comparison, the naive design's raw values as Flink
 * serialises its window list state.
 */
final class WindowStateSize {
    private WindowStateSize() {}

    /** Bytes per feature of one model's window profile after {@code events} events. */
    static double driftBytesPerFeature(
            SyntheticTraffic traffic, ReferenceProfile reference, long events) {
        WindowProfile window = WindowProfile.newInstance(reference);
        SplittableRandom random = new SplittableRandom(7);
        int numeric = traffic.numericFeatures();
        for (long i = 0; i < events; i++) {
            for (int f = 0; f < numeric; f++) {
                window.numeric(f).update(traffic.numericValue(random, 0, f, 0.25));
            }
            for (int c = 0; c < SyntheticTraffic.CATEGORICAL_FEATURES; c++) {
                window.categorical(numeric + c).update(SyntheticTraffic.categoryValue(random, c));
            }
        }
        return (double) window.toByteArray().length / window.featureCount();
    }

    /** Bytes of one numeric {@link FeatureValue} as the naive window's list state stores it. */
    static int naiveBytesPerValue() {
        FeatureValue v = new FeatureValue();
        v.modelName = SyntheticTraffic.modelName(0);
        v.feature = SyntheticTraffic.numericFeatureName(0);
        v.timestamp = SyntheticTraffic.T0;
        v.value = 1.5;
        TypeSerializer<FeatureValue> serializer =
                Types.POJO(FeatureValue.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(128);
        try {
            serializer.serialize(v, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.length();
    }
}
