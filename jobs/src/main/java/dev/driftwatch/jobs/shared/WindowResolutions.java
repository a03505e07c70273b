package dev.driftwatch.jobs.shared;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.util.TimeUtils;

/**
 * The resolutions a job writes: its base window ({@code --window}) and the coarser tumbling windows
 * merged from the base windows' slices ({@code --window-resolutions}), and which of them feed the
 * alert rules ({@code --alert-resolutions}; the base window alone unless given). A coarser
 * resolution must be a multiple of a tumbling base window, so each base window lies in exactly one
 * coarser window. The default coarser resolutions (one hour, one day) are those of them that are
 * coarser than, and multiples of, the base window; given ones that are not are an error.
 */
public record WindowResolutions(WindowSpec base, List<WindowSpec> coarser, Set<Long> alertingMs)
        implements Serializable {
    /** The coarser resolutions written unless {@code --window-resolutions} is given. */
    public static final List<String> DEFAULT_COARSER = List.of("1h", "1d");

    public WindowResolutions {
        coarser = List.copyOf(coarser);
        alertingMs = Set.copyOf(alertingMs);
    }

    /**
     * The resolutions for a base window.
     *
     * @param requested the values of {@code --window-resolutions} ({@code none}: no coarser one),
     *     or null when not given (then {@link #DEFAULT_COARSER}, where they fit)
     * @param alerting the values of {@code --alert-resolutions}, or null when not given (then the
     *     base window alone)
     * @throws IllegalArgumentException naming a value that is no duration or does not fit
     */
    public static WindowResolutions of(
            WindowSpec base, List<String> requested, List<String> alerting) {
        boolean explicit = requested != null;
        TreeSet<Long> sizes = new TreeSet<>();
        for (String r : explicit ? requested : DEFAULT_COARSER) {
            if (r.isBlank() || r.trim().equals("none")) {
                continue;
            }
            long ms = parse(r, "--window-resolutions");
            if (ms == base.sizeMs()) {
                continue; // the base window itself
            }
            String problem = null;
            if (base.slideMs() != base.sizeMs()) {
                problem = "coarser resolutions need tumbling base windows (no --slide)";
            } else if (ms < base.sizeMs() || ms % base.sizeMs() != 0) {
                problem = "must be a multiple of --window (" + base.sizeMs() + " ms)";
            }
            if (problem == null) {
                sizes.add(ms);
            } else if (explicit) {
                throw new IllegalArgumentException(
                        "bad --window-resolutions value '" + r + "': " + problem);
            }
        }
        List<WindowSpec> coarser = new ArrayList<>();
        for (long ms : sizes) {
            coarser.add(new WindowSpec(ms, ms, base.allowedLatenessMs()));
        }
        Set<Long> alertingMs = new LinkedHashSet<>();
        if (alerting == null) {
            alertingMs.add(base.sizeMs());
        } else {
            for (String a : alerting) {
                long ms = parse(a, "--alert-resolutions");
                if (ms != base.sizeMs() && !sizes.contains(ms)) {
                    throw new IllegalArgumentException(
                            "bad --alert-resolutions value '"
                                    + a
                                    + "': neither --window nor one of --window-resolutions");
                }
                alertingMs.add(ms);
            }
        }
        return new WindowResolutions(base, coarser, alertingMs);
    }

    /** Every resolution's window size in seconds, the base window's first. */
    public List<Long> seconds() {
        List<Long> out = new ArrayList<>();
        out.add(base.sizeMs() / 1000);
        for (WindowSpec w : coarser) {
            out.add(w.sizeMs() / 1000);
        }
        return out;
    }

    /** True when the rows of windows of this size feed the alert rules. */
    public boolean alerts(long sizeMs) {
        return alertingMs.contains(sizeMs);
    }

    private static long parse(String value, String flag) {
        try {
            long ms = TimeUtils.parseDuration(value.trim()).toMillis();
            if (ms <= 0) {
                throw new IllegalArgumentException("must be > 0");
            }
            return ms;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad " + flag + " value '" + value + "': " + e.getMessage());
        }
    }

    /** A resolution's name in stage names and uids: its size, e.g. {@code 3600s}. */
    public static String name(WindowSpec window) {
        return Duration.ofMillis(window.sizeMs()).toSeconds() + "s";
    }
}
