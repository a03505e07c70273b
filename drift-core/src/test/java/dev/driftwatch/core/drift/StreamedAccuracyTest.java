package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.StreamedSamples;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KS and Wasserstein-1 as a stream computes them (a reference profile built from the sample, a
 * window updated value by value, or built in parts and merged) against scipy's exact values on the
 * generated heavy-tailed, discrete, atom-mixed, small- and large-window pairs of
 * fixtures/streamed.json:
 *
 * <ul>
 *   <li>the reported error bounds hold in every case;
 *   <li>with both sides exact, both statistics are exact (1e-9);
 *   <li>whenever the window is in its exact form, or holds at most {@value #FEW_THOUSAND} values,
 *       or the reference is in its exact form, KS is within 0.005 and Wasserstein-1 within 1%
 *       (relative) of the exact values;
 *   <li>KS's reported bound is within 0.005 wherever the reference is exact or a summary and the
 *       window exact or on the grid.
 * </ul>
 *
 * The largest errors are printed at the end (the "largest relative Wasserstein error" of the
 * documentation).
 */
class StreamedAccuracyTest {
    private static final double TOL = 1e-9;
    private static final int FEW_THOUSAND = 5000;
    private static final List<String> REPORT = new ArrayList<>();
    private static final Map<String, Prepared> PREPARED = new ConcurrentHashMap<>();
    private static double maxKsError;
    private static double maxRelativeWassersteinError;
    private static double maxKsErrorExactWindow;
    private static double maxRelativeWassersteinErrorExactWindow;

    static Stream<Arguments> cases() {
        return StreamedSamples.cases().stream()
                .flatMap(
                        c ->
                                Stream.of(
                                        Arguments.of(c.get("name").asText(), "single pass", c),
                                        Arguments.of(c.get("name").asText(), "7 parts merged", c)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void streamedStatisticsAreWithinTheirBoundsAndCloseToExact(
            String name, String how, JsonNode c) {
        Prepared prepared = PREPARED.computeIfAbsent(name, k -> prepare(c));
        NumericReference reference = prepared.reference();
        double[] cur = prepared.current();
        NumericWindow window = reference.newWindow();
        if (how.equals("single pass")) {
            for (double v : cur) {
                window.update(v);
            }
        } else {
            window = mergedInParts(reference, cur, 7);
        }
        NumericMetrics m = NumericMetrics.of(name, reference, window);
        double ks = m.value(Statistic.KS);
        double w = m.value(Statistic.WASSERSTEIN);
        double ksBound = m.value(Statistic.KS_ERROR_BOUND);
        double wBound = m.value(Statistic.WASSERSTEIN_ERROR_BOUND);
        double exactKs = c.get("expected").get("ks_statistic").asDouble();
        double exactW = c.get("expected").get("wasserstein").asDouble();
        double ksError = Math.abs(ks - exactKs);
        double wError = Math.abs(w - exactW);
        double wRelative = wError / exactW;
        boolean refExact = reference.distribution().isExact();
        boolean windowExact = window.isExact();

        assertThat(ksError)
                .as("KS %s vs exact %s: within its bound %s", ks, exactKs, ksBound)
                .isLessThanOrEqualTo(ksBound + TOL);
        assertThat(wError)
                .as("W1 %s vs exact %s: within its bound %s", w, exactW, wBound)
                .isLessThanOrEqualTo(wBound + TOL * Math.max(1.0, exactW));
        if (refExact && windowExact) {
            assertThat(ksBound).isZero();
            assertThat(wBound).isZero();
            assertThat(ksError).isLessThanOrEqualTo(TOL);
            assertThat(wRelative).isLessThanOrEqualTo(TOL);
        }
        if (windowExact) {
            // the reported bounds are as tight: only the reference summary's errors
            assertThat(ksBound).isLessThanOrEqualTo(0.005);
            assertThat(wBound / exactW).isLessThanOrEqualTo(0.01);
        }
        if (windowExact || window.finiteCount() <= FEW_THOUSAND || refExact) {
            assertThat(ksError).as("KS error").isLessThanOrEqualTo(0.005);
            assertThat(wRelative).as("relative W1 error").isLessThanOrEqualTo(0.01);
        }
        if (windowExact || window.isGrid()) {
            // half the grid's step (at most 1 / 382) plus the reference summary's rank error
            assertThat(ksBound).isLessThanOrEqualTo(0.005);
        }
        synchronized (REPORT) {
            maxKsError = Math.max(maxKsError, ksError);
            maxRelativeWassersteinError = Math.max(maxRelativeWassersteinError, wRelative);
            if (windowExact) {
                maxKsErrorExactWindow = Math.max(maxKsErrorExactWindow, ksError);
                maxRelativeWassersteinErrorExactWindow =
                        Math.max(maxRelativeWassersteinErrorExactWindow, wRelative);
            }
            REPORT.add(
                    String.format(
                            Locale.ROOT,
                            "%-38s %-15s ref %-7s window %-6s KS err %.5f (bound %.5f)"
                                    + "  W1 err %7.3f%% (bound %8.2f%%)",
                            name,
                            how,
                            refExact ? "exact" : "summary",
                            windowExact ? "exact" : window.isGrid() ? "grid" : "sketch",
                            ksError,
                            ksBound,
                            100 * wRelative,
                            100 * wBound / exactW));
        }
    }

    /** A case's reference profile and current sample, shared by its two ways of streaming. */
    private record Prepared(NumericReference reference, double[] current) {}

    private static Prepared prepare(JsonNode c) {
        NumericReferenceBuilder builder = new NumericReferenceBuilder();
        for (double v : StreamedSamples.sample(c.get("reference"))) {
            builder.add(v);
        }
        return new Prepared(builder.build(10), StreamedSamples.sample(c.get("current")));
    }

    private static NumericWindow mergedInParts(NumericReference reference, double[] cur, int k) {
        List<NumericWindow> parts = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            parts.add(reference.newWindow());
        }
        for (int i = 0; i < cur.length; i++) {
            parts.get((int) ((i * 31L) % k)).update(cur[i]);
        }
        // a tree: (0+1) + ((2+3) + (4+(5+6)))
        parts.get(5).merge(parts.get(6));
        parts.get(4).merge(parts.get(5));
        parts.get(2).merge(parts.get(3));
        parts.get(2).merge(parts.get(4));
        parts.get(0).merge(parts.get(1));
        parts.get(0).merge(parts.get(2));
        return parts.get(0);
    }

    @AfterAll
    static void printLargestErrors() {
        REPORT.forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "largest KS error %.5f, largest relative W1 error %.3f%%;"
                        + " with an exact window: %.5f and %.4f%%%n",
                maxKsError,
                100 * maxRelativeWassersteinError,
                maxKsErrorExactWindow,
                100 * maxRelativeWassersteinErrorExactWindow);
    }
}
