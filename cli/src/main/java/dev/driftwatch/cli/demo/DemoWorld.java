package dev.driftwatch.cli.demo;

import java.util.Random;

/**
 * The demo's simulated world: transactions with an amount, an age and a country, whose ground truth
 * ("fraud") is drawn with P(fraud | amount) = {@code sigmoid((amount - 40) / 4)}. Before the shift
 * amounts are around 27 (log-normal, σ 0.45), far from 40 for most transactions; from the shift on
 * they gather around 40 (σ 0.2), where fraud and no fraud are about as likely, and more traffic
 * comes from a new country. P(fraud | amount) never changes: the shift is a covariate shift only.
 * The demo model scores {@code sigmoid((amount - center) / 4)}, which with center 40 (version 1) is
 * P(fraud | amount) itself, so its scores are calibrated before and after the shift and its
 * expected accuracy falls as the amounts move to where it is least certain.
 */
final class DemoWorld {
    static final String[] COUNTRIES = {"DE", "FR", "IT", "ES"};
    static final String[] SHIFTED_COUNTRIES = {"DE", "FR", "IT", "ES", "PL", "PL"};

    /** The amount at which fraud is as likely as not. */
    static final double FRAUD_CENTER = 40.0;

    /** The width of the fraud probability's sigmoid, in amount units; the model's too. */
    static final double SCALE = 4.0;

    private final Random random;
    private volatile long shiftAt = Long.MAX_VALUE;

    DemoWorld(long seed) {
        random = new Random(seed);
    }

    /** Transactions at or after {@code epochMillis} come from the shifted world. */
    void shiftAt(long epochMillis) {
        shiftAt = epochMillis;
    }

    /** When the world shifts (or shifted); {@link Long#MAX_VALUE} before that is decided. */
    long shiftAt() {
        return shiftAt;
    }

    /** One transaction at time {@code now}: amount, age, country, and its ground truth. */
    synchronized Transaction next(long now) {
        boolean shifted = now >= shiftAt;
        double amount =
                shifted
                        ? Math.exp(Math.log(FRAUD_CENTER) + 0.2 * random.nextGaussian())
                        : Math.exp(3.3 + 0.45 * random.nextGaussian());
        double age = Math.max(18, Math.min(90, 40 + 12 * random.nextGaussian()));
        String[] countries = shifted ? SHIFTED_COUNTRIES : COUNTRIES;
        String country = countries[random.nextInt(countries.length)];
        double rounded = Math.round(amount * 100) / 100.0;
        boolean fraud = random.nextDouble() < score(rounded, FRAUD_CENTER);
        return new Transaction(rounded, Math.round(age), country, fraud);
    }

    /** The demo model's score for an amount, given its trained center. */
    static double score(double amount, double center) {
        return 1.0 / (1.0 + Math.exp(-(amount - center) / SCALE));
    }

    /** A simulated transaction and its (hidden until labelled) ground truth. */
    record Transaction(double amount, double age, String country, boolean fraud) {}
}
