package dev.driftwatch.benchmarks.decision;

import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Erf;

/**
 * A synthetic population of one feature with known truth: numeric (a sampler and its exact CDF) or
 * categorical (category names and their probabilities).
 */
public sealed interface Population permits Population.Numeric, Population.Categorical {

    /** A one-line description for the tables. */
    String label();

    /** A numeric population: draws and its cumulative distribution function. */
    non-sealed interface Numeric extends Population {
        double draw(RandomGenerator random);

        /** P(X <= x). */
        double cdf(double x);
    }

    /** A categorical population: {@code names[i]} with probability {@code probabilities[i]}. */
    record Categorical(String label, String[] names, double[] probabilities) implements Population {
        public String draw(RandomGenerator random) {
            double u = random.nextDouble();
            double c = 0;
            for (int i = 0; i < names.length - 1; i++) {
                c += probabilities[i];
                if (u < c) {
                    return names[i];
                }
            }
            return names[names.length - 1];
        }

        /** P(name), 0 for a name it does not have. */
        public double probability(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return probabilities[i];
                }
            }
            return 0.0;
        }
    }

    static double phi(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2.0));
    }

    /** N(mean, sd^2). */
    static Numeric normal(double mean, double sd) {
        return numeric(
                String.format("normal(%.3g, %.3g)", mean, sd),
                r -> mean + sd * r.nextGaussian(),
                x -> phi((x - mean) / sd));
    }

    /** a + b X for a population X. */
    static Numeric affine(String label, Numeric base, double a, double b) {
        return numeric(label, r -> a + b * base.draw(r), x -> base.cdf((x - a) / b));
    }

    /** exp(N(mu, sigma^2)). */
    static Numeric lognormal(double mu, double sigma) {
        return numeric(
                String.format("lognormal(%.3g, %.3g)", mu, sigma),
                r -> Math.exp(mu + sigma * r.nextGaussian()),
                x -> x <= 0 ? 0.0 : phi((Math.log(x) - mu) / sigma));
    }

    /** Student t with {@code df} degrees of freedom (integer). */
    static Numeric studentT(int df) {
        TDistribution t = new TDistribution(null, df);
        return numeric(
                "t(" + df + ")",
                r -> {
                    double chi = 0;
                    for (int i = 0; i < df; i++) {
                        double g = r.nextGaussian();
                        chi += g * g;
                    }
                    return r.nextGaussian() / Math.sqrt(chi / df);
                },
                t::cumulativeProbability);
    }

    /** Pareto with scale {@code xm} and tail index {@code alpha}. */
    static Numeric pareto(double xm, double alpha) {
        return numeric(
                String.format("pareto(%.3g, %.3g)", xm, alpha),
                r -> xm * Math.pow(1.0 - r.nextDouble(), -1.0 / alpha),
                x -> x <= xm ? 0.0 : 1.0 - Math.pow(xm / x, alpha));
    }

    /** Uniform on [lo, hi]. */
    static Numeric uniform(double lo, double hi) {
        return numeric(
                String.format("uniform(%.3g, %.3g)", lo, hi),
                r -> lo + (hi - lo) * r.nextDouble(),
                x -> x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo));
    }

    /** Laplace with location 0 and scale b. */
    static Numeric laplace(double b) {
        return numeric(
                String.format("laplace(0, %.3g)", b),
                r -> {
                    double u = r.nextDouble() - 0.5;
                    return -b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                },
                x -> x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b));
    }

    /** Half N(-a, s^2), half N(a, s^2). */
    static Numeric bimodal(double a, double s) {
        return numeric(
                String.format("bimodal(+-%.3g, %.3g)", a, s),
                r -> (r.nextBoolean() ? a : -a) + s * r.nextGaussian(),
                x -> 0.5 * phi((x - a) / s) + 0.5 * phi((x + a) / s));
    }

    /** Poisson(lambda). */
    static Numeric poisson(double lambda) {
        PoissonDistribution p = new PoissonDistribution(null, lambda, 1e-12, 10_000_000);
        double limit = Math.exp(-lambda);
        return numeric(
                String.format("poisson(%.3g)", lambda),
                r -> {
                    int k = 0;
                    double prod = r.nextDouble();
                    while (prod > limit) {
                        prod *= r.nextDouble();
                        k++;
                    }
                    return k;
                },
                x -> x < 0 ? 0.0 : p.cumulativeProbability((int) Math.floor(x)));
    }

    /** N(mean, sd^2) rounded to the nearest integer. */
    static Numeric roundedNormal(double mean, double sd) {
        return numeric(
                String.format("round(normal(%.3g, %.3g))", mean, sd),
                r -> Math.rint(mean + sd * r.nextGaussian()),
                x -> phi((Math.floor(x) + 0.5 - mean) / sd));
    }

    /** The integers 0..k-1 with the given probabilities. */
    static Numeric integers(double... probabilities) {
        double[] cum = new double[probabilities.length];
        double c = 0;
        for (int i = 0; i < cum.length; i++) {
            c += probabilities[i];
            cum[i] = c;
        }
        return numeric(
                "integers" + java.util.Arrays.toString(probabilities),
                r -> {
                    double u = r.nextDouble();
                    for (int i = 0; i < cum.length - 1; i++) {
                        if (u < cum[i]) {
                            return i;
                        }
                    }
                    return cum.length - 1;
                },
                x -> x < 0 ? 0.0 : cum[(int) Math.min(cum.length - 1, Math.floor(x))]);
    }

    /** A numeric population from a sampler and a CDF. */
    static Numeric numeric(
            String label,
            java.util.function.ToDoubleFunction<RandomGenerator> sampler,
            java.util.function.DoubleUnaryOperator cdf) {
        return new Numeric() {
            @Override
            public double draw(RandomGenerator random) {
                return sampler.applyAsDouble(random);
            }

            @Override
            public double cdf(double x) {
                return cdf.applyAsDouble(x);
            }

            @Override
            public String label() {
                return label;
            }
        };
    }

    /**
     * The population distance that defines a cell's effect: the KS distance sup |F - G| of two
     * numeric populations (evaluated at 50,000 draws of each, which include every atom of a
     * discrete one: exact there, within about 1e-4 of the supremum for continuous ones), or the
     * total-variation distance of two categorical ones.
     */
    static double distance(Population a, Population b, long seed) {
        if (a instanceof Categorical ca && b instanceof Categorical cb) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            names.addAll(java.util.Arrays.asList(ca.names()));
            names.addAll(java.util.Arrays.asList(cb.names()));
            double tv = 0;
            for (String n : names) {
                tv += Math.abs(ca.probability(n) - cb.probability(n));
            }
            return tv / 2;
        }
        Numeric na = (Numeric) a;
        Numeric nb = (Numeric) b;
        RandomGenerator r = new java.util.SplittableRandom(seed);
        double sup = 0;
        for (int i = 0; i < 50_000; i++) {
            for (double x : new double[] {na.draw(r), nb.draw(r)}) {
                sup = Math.max(sup, Math.abs(na.cdf(x) - nb.cdf(x)));
            }
        }
        return sup;
    }
}
