package dev.driftwatch.cli.demo;

import java.util.Random;

/**
 * The demo's simulated world: transactions with an amount, an age and a country, whose ground truth
 * ("fraud") is amount above a threshold (with 5% label noise). Before the shift the threshold is 40
 * and amounts are around 30; after it, amounts roughly double, the threshold moves to 90 and more
 * traffic comes from new countries. The demo model scores {@code sigmoid((amount - center) / 8)}.
 */
final class DemoWorld {
    static final String[] COUNTRIES = {"DE", "FR", "IT", "ES"};
    static final String[] SHIFTED_COUNTRIES = {"DE", "FR", "IT", "ES", "PL", "PL"};

    private final Random random;
    private volatile boolean shifted;

    DemoWorld(long seed) {
        random = new Random(seed);
    }

    void shift() {
        shifted = true;
    }

    boolean isShifted() {
        return shifted;
    }

    /** One transaction: amount, age, country. */
    synchronized Transaction next() {
        double amount = Math.exp((shifted ? 4.1 : 3.3) + 0.45 * random.nextGaussian());
        double age = Math.max(18, Math.min(90, 40 + 12 * random.nextGaussian()));
        String[] countries = shifted ? SHIFTED_COUNTRIES : COUNTRIES;
        String country = countries[random.nextInt(countries.length)];
        boolean fraud = amount > (shifted ? 90 : 40);
        if (random.nextDouble() < 0.05) {
            fraud = !fraud;
        }
        return new Transaction(Math.round(amount * 100) / 100.0, Math.round(age), country, fraud);
    }

    /** The demo model's score for an amount, given its trained center. */
    static double score(double amount, double center) {
        return 1.0 / (1.0 + Math.exp(-(amount - center) / 8.0));
    }

    /** A simulated transaction and its (hidden until labelled) ground truth. */
    record Transaction(double amount, double age, String country, boolean fraud) {}
}
