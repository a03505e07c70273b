package dev.driftwatch.core.performance;

/**
 * One estimated metric of a window without labels.
 *
 * @param value the estimate
 * @param standardError the standard deviation of the realised metric around {@code value} given the
 *     window's predictions, under the estimator's assumptions (calibrated probabilities,
 *     independent labels)
 * @param errorBound how far {@code value} may be from the exact estimator because of binning (0
 *     when exact)
 */
public record Estimate(double value, double standardError, double errorBound) {}
