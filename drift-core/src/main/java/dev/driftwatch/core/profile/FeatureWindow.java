package dev.driftwatch.core.profile;

import java.io.DataOutput;
import java.io.IOException;

/**
 * A mergeable, bounded-size summary of one feature's values in a window, binned against a
 * reference. Merge is associative and commutative on every count; see the implementations for the
 * moments.
 */
public sealed interface FeatureWindow permits NumericWindow, CategoricalWindow {
    /** Rows seen, including missing, non-finite and type-mismatched ones. */
    long rows();

    /** Rows whose value was missing (null, NaN, empty). */
    long missing();

    /**
     * Rows whose value had the wrong type (a string where a number was profiled, or the reverse).
     */
    long typeMismatches();

    /** Records a missing value. */
    void updateMissing();

    /** Records a value of the wrong type; it is counted, never binned. */
    void updateTypeMismatch();

    /** Adds {@code other}'s counts into this one. Both must bin against the same reference. */
    void merge(FeatureWindow other);

    /** A deep copy. */
    FeatureWindow copy();

    /** Writes the versioned binary form (see {@link WindowProfile#toByteArray}). */
    void writeTo(DataOutput out) throws IOException;
}
