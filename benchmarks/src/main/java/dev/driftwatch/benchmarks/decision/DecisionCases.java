package dev.driftwatch.benchmarks.decision;

import java.util.ArrayList;
import java.util.List;

/** The benchmark's single-feature cases and its 50-feature datasets. */
public final class DecisionCases {
    /** KS distance of N(0, 1) and N(0.2, 1): 2 Phi(0.1) - 1. */
    public static final double REQUIRED_EFFECT = 2 * Population.phi(0.1) - 1;

    private DecisionCases() {}

    /** Every single-feature case, no drift first in each family. */
    public static List<DecisionCase> all() {
        List<DecisionCase> cases = new ArrayList<>();
        Population.Numeric normal = Population.normal(0, 1);
        add(cases, "normal", "none", normal, normal, true);
        for (double d : new double[] {0.05, 0.1, 0.2, 0.3, 0.5, 1.0}) {
            add(cases, "normal", "shift " + d + " sd", normal, Population.normal(d, 1), d <= 0.2);
        }
        for (double s : new double[] {1.1, 1.25, 1.5}) {
            add(cases, "normal", "scale x" + s, normal, Population.normal(0, s), false);
        }
        double r3 = Math.sqrt(3);
        add(cases, "normal", "uniform, same mean/var", normal, Population.uniform(-r3, r3), false);
        add(
                cases,
                "normal",
                "laplace, same mean/var",
                normal,
                Population.laplace(Math.sqrt(0.5)),
                false);
        add(cases, "normal", "bimodal, same mean/var", normal, Population.bimodal(0.8, 0.6), false);

        Population.Numeric lognormal = Population.lognormal(0, 1);
        double lsd = Math.sqrt((Math.E - 1) * Math.E);
        add(cases, "lognormal", "none", lognormal, lognormal, true);
        for (double d : new double[] {0.2, 0.5}) {
            add(
                    cases,
                    "lognormal",
                    "shift " + d + " sd",
                    lognormal,
                    Population.affine("lognormal + " + d + " sd", lognormal, d * lsd, 1),
                    false);
        }
        add(
                cases,
                "lognormal",
                "scale x1.25",
                lognormal,
                Population.affine("1.25 lognormal", lognormal, 0, 1.25),
                false);

        Population.Numeric t3 = Population.studentT(3);
        add(cases, "t3", "none", t3, t3, false);
        for (double d : new double[] {0.2, 0.5}) {
            add(
                    cases,
                    "t3",
                    "shift " + d + " sd",
                    t3,
                    Population.affine("t3 + " + d + " sd", t3, d * r3, 1),
                    false);
        }

        Population.Numeric pareto = Population.pareto(1, 1.5);
        add(cases, "pareto1.5", "none", pareto, pareto, true);
        for (double s : new double[] {1.1, 1.25}) {
            add(cases, "pareto1.5", "scale x" + s, pareto, Population.pareto(s, 1.5), false);
        }

        Population.Numeric poisson = Population.poisson(3);
        add(cases, "poisson3", "none", poisson, poisson, false);
        for (double d : new double[] {0.2, 0.5}) {
            add(
                    cases,
                    "poisson3",
                    "mean +" + d + " sd",
                    poisson,
                    Population.poisson(3 + d * r3),
                    false);
        }

        Population.Numeric rounded = Population.roundedNormal(10, 2);
        add(cases, "rounded", "none", rounded, rounded, true);
        for (double d : new double[] {0.2, 0.3, 0.5}) {
            add(
                    cases,
                    "rounded",
                    "shift " + d + " sd",
                    rounded,
                    Population.roundedNormal(10 + 2 * d, 2),
                    false);
        }

        Population.Numeric few = Population.integers(0.5, 0.2, 0.15, 0.1, 0.05);
        add(cases, "integers0-4", "none", few, few, false);
        add(
                cases,
                "integers0-4",
                "tv 0.06",
                few,
                Population.integers(0.44, 0.22, 0.16, 0.12, 0.06),
                false);
        add(
                cases,
                "integers0-4",
                "tv 0.12",
                few,
                Population.integers(0.38, 0.24, 0.17, 0.14, 0.07),
                false);

        Population.Categorical five = categorical("five categories", 0.4, 0.25, 0.15, 0.12, 0.08);
        add(cases, "cat5", "none", five, five, true);
        add(
                cases,
                "cat5",
                "tv 0.05",
                five,
                categorical("tv 0.05", 0.35, 0.25, 0.15, 0.14, 0.11),
                true);
        add(
                cases,
                "cat5",
                "tv 0.1",
                five,
                categorical("tv 0.1", 0.3, 0.25, 0.17, 0.15, 0.13),
                false);
        add(cases, "cat5", "tv 0.2", five, categorical("tv 0.2", 0.2, 0.25, 0.2, 0.2, 0.15), false);
        add(
                cases,
                "cat5",
                "new category 2%",
                five,
                categorical("new 2%", 0.38, 0.25, 0.15, 0.12, 0.08, 0.02),
                false);
        add(
                cases,
                "cat5",
                "new category 10%",
                five,
                categorical("new 10%", 0.3, 0.25, 0.15, 0.12, 0.08, 0.1),
                false);

        Population.Categorical binary = categorical("two categories", 0.3, 0.7);
        add(cases, "cat2", "none", binary, binary, false);
        for (double p : new double[] {0.33, 0.36, 0.4}) {
            add(cases, "cat2", "p 0.3 -> " + p, binary, categorical("p " + p, p, 1 - p), false);
        }

        double[] zipf = new double[30];
        double z = 0;
        for (int i = 0; i < zipf.length; i++) {
            zipf[i] = 1.0 / (i + 1);
            z += zipf[i];
        }
        for (int i = 0; i < zipf.length; i++) {
            zipf[i] /= z;
        }
        Population.Categorical sparse = categorical("zipf, 30 categories", zipf);
        add(cases, "zipf30", "none", sparse, sparse, false);
        return cases;
    }

    private static void add(
            List<DecisionCase> cases,
            String family,
            String name,
            Population reference,
            Population current,
            boolean large) {
        cases.add(new DecisionCase(family, name, reference, current, large));
    }

    /** Categories c0, c1, ... with these probabilities. */
    static Population.Categorical categorical(String label, double... probabilities) {
        String[] names = new String[probabilities.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i;
        }
        return new Population.Categorical(label, names, probabilities);
    }

    /**
     * A 50-feature dataset: 20 normal, 10 lognormal, 5 Poisson, 5 rounded normal and 10 categorical
     * features; with {@code drift}, three of them drift: a normal one by 0.3 sd, a Poisson one by
     * 0.3 sd and a categorical one by a total variation of 0.1.
     */
    public static List<DecisionCase> dataset(boolean drift) {
        List<DecisionCase> features = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Population ref;
            Population cur;
            if (i < 20) {
                ref = Population.normal(0, 1);
                cur = drift && i == 0 ? Population.normal(0.3, 1) : ref;
            } else if (i < 30) {
                ref = Population.lognormal(0, 1);
                cur = ref;
            } else if (i < 35) {
                ref = Population.poisson(3);
                cur = drift && i == 30 ? Population.poisson(3 + 0.3 * Math.sqrt(3)) : ref;
            } else if (i < 40) {
                ref = Population.roundedNormal(10, 2);
                cur = ref;
            } else {
                ref = categorical("five categories", 0.4, 0.25, 0.15, 0.12, 0.08);
                cur = drift && i == 40 ? categorical("tv 0.1", 0.3, 0.25, 0.17, 0.15, 0.13) : ref;
            }
            features.add(new DecisionCase("f" + i, cur == ref ? "none" : "drift", ref, cur, true));
        }
        return features;
    }
}
