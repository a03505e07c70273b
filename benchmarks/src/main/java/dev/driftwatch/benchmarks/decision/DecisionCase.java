package dev.driftwatch.benchmarks.decision;

/**
 * One kind of single-feature case: the reference population and the current one (the same
 * population for no drift), the family whose no-drift case it is matched with, and whether it is
 * also run at the largest sizes.
 *
 * @param family the base population's name (its no-drift case is {@code family + "/none"})
 * @param name the drift, "none" for no drift
 * @param reference the reference population
 * @param current the current population
 * @param atLargeSizes whether the case also runs at current sizes of 10^5 and more
 */
public record DecisionCase(
        String family,
        String name,
        Population reference,
        Population current,
        boolean atLargeSizes) {
    /** True for no drift: the current population is the reference's. */
    public boolean noDrift() {
        return reference == current;
    }

    public String id() {
        return family + "/" + name;
    }
}
