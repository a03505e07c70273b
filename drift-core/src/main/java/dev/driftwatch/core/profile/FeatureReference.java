package dev.driftwatch.core.profile;

/** The reference (baseline) summary of one feature: numeric or categorical. */
public sealed interface FeatureReference permits NumericReference, CategoricalReference {
    /** Rows seen, including missing ones. */
    long count();

    /** Rows whose value was missing (null, NaN, empty). */
    long missing();

    /** Numeric or categorical. */
    FeatureType type();

    /** A new, empty window accumulator that bins against this reference. */
    FeatureWindow newWindow();
}
