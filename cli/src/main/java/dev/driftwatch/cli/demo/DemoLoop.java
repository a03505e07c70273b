package dev.driftwatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.jobs.drift.AlertRule;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.performance.PerformanceRule;
import dev.driftwatch.registry.notify.PagerDutyReceiver;
import dev.driftwatch.registry.notify.SlackReceiver;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's loop as a list of {@link DemoPhase}s, followed as a client would: drift metrics from
 * the {@code drift_metrics} table (the jobs' output), alerts and retraining runs through the
 * registry's HTTP API ({@code GET /api/v1/alerts}, {@code GET /api/v1/retrain-runs}).
 */
final class DemoLoop {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The performance job's guard on estimates, which the demo leaves at its default. */
    private static final double GUARD_Z = PerformanceJobOptions.ESTIMATE_GUARD_Z.defaultValue();

    /** {@link #GUARD_Z} as a person writes it: 2, 1.5. */
    private static final String GUARD_Z_TEXT =
            GUARD_Z == Math.rint(GUARD_Z)
                    ? Long.toString((long) GUARD_Z)
                    : Double.toString(GUARD_Z);

    private static final Set<String> ENDED_WITHOUT_PROMOTION =
            Set.of("failed", "cancelled", "rejected");

    private final RegistryClient registry;
    private final Endpoints endpoints;
    private final String model;
    private final DemoWorld world;
    private final Simulator simulator;
    private final double referenceAccuracy;
    private final Duration shiftAfter;
    private final long started = System.currentTimeMillis();

    private long alertId = -1;
    private String alertFingerprint;
    private long runId = -1;
    private int transitionsShown;
    private String promotedVersion;
    private long estimatedAt;
    private boolean beforeLabels;

    DemoLoop(
            RegistryClient registry,
            Endpoints endpoints,
            String model,
            DemoWorld world,
            Simulator simulator,
            double referenceAccuracy,
            Duration shiftAfter) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.model = model;
        this.world = world;
        this.simulator = simulator;
        this.referenceAccuracy = referenceAccuracy;
        this.shiftAfter = shiftAfter;
    }

    /** The phases, in the order they happen. */
    List<DemoPhase> phases() {
        return List.of(
                new DemoPhase(
                        "drift metrics",
                        () ->
                                latestPsi("1")
                                        .map(
                                                psi ->
                                                        "the first window's PSI per feature"
                                                                + " (windows of 20 s): "
                                                                + psi)),
                new DemoPhase("shift", this::shift),
                new DemoPhase("alert", this::alertFired),
                new DemoPhase("estimated performance", this::estimatedBeforeLabels),
                new DemoPhase("realised performance", this::realisedAfterLabels),
                new DemoPhase("trained", () -> runReached("trained")),
                new DemoPhase("validated", () -> runReached("validated")),
                new DemoPhase("promoted", this::promoted),
                new DemoPhase(
                        "new baseline",
                        () ->
                                latestPsi(promotedVersion)
                                        .map(
                                                psi ->
                                                        "the drift job now compares version "
                                                                + promotedVersion
                                                                + "'s traffic with its new"
                                                                + " baseline: "
                                                                + psi)),
                new DemoPhase("resolved", this::resolved));
    }

    /**
     * Runs the phases in order, checking the current one every two seconds; false when {@code
     * timeout} passed first.
     */
    boolean run(PrintWriter out, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<DemoPhase> phases = phases();
        for (int i = 0; i < phases.size(); i++) {
            DemoPhase phase = phases.get(i);
            Optional<String> text;
            while ((text = phase.condition().check()).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(2000);
            }
            out.printf(
                    Locale.ROOT,
                    "%n[demo %s] phase %d/%d %s: %s%n",
                    Instant.now().toString().substring(11, 19),
                    i + 1,
                    phases.size(),
                    phase.name(),
                    text.get());
            out.flush();
        }
        return true;
    }

    /**
     * Decides the shift once the normal traffic has run {@code shiftAfter}: at the start of the
     * next window, so that the first window after it holds shifted traffic only; done once that
     * time came.
     */
    private Optional<String> shift() {
        long now = System.currentTimeMillis();
        if (world.shiftAt() == Long.MAX_VALUE) {
            long window = DemoCommand.WINDOW.toMillis();
            long earliest = Math.max(now, started + shiftAfter.toMillis());
            world.shiftAt((earliest / window + 1) * window);
        }
        if (now < world.shiftAt()) {
            return Optional.empty();
        }
        return Optional.of(
                "the world shifted at "
                        + Instant.ofEpochMilli(world.shiftAt()).toString().substring(11, 19)
                        + " (the start of a window): amounts gather around 40, where fraud is as"
                        + " likely as not and the model least certain; new country PL. P(fraud |"
                        + " amount) is unchanged (a covariate shift): the model's scores stay"
                        + " calibrated, and its expected accuracy falls");
    }

    private Optional<String> alertFired() throws Exception {
        JsonNode alert = null;
        for (JsonNode a : alerts()) {
            if (a.path("status").asText().equals(Alert.FIRING)
                    && a.path("labels").path("alertname").asText().equals(AlertRule.FEATURE_DRIFT)
                    && (alert == null || a.path("id").asLong() < alert.path("id").asLong())) {
                alert = a;
            }
        }
        if (alert == null) {
            return Optional.empty();
        }
        alertId = alert.path("id").asLong();
        alertFingerprint = alert.path("fingerprint").asText();
        Alert a = Alert.fromJsonNode(alert);
        return Optional.of(
                "alert fired: "
                        + a.annotations()
                                .getOrDefault(AlertLabels.SUMMARY, a.label(AlertLabels.ALERTNAME))
                        + "\n  The Slack message it would send (configure a route with a webhook"
                        + " URL to send it):\n"
                        + indent(
                                JSON.writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(SlackReceiver.message(a)))
                        + "\n  The PagerDuty event (Events API v2):\n"
                        + indent(
                                JSON.writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(
                                                PagerDutyReceiver.event(a, "<routing key>"))));
    }

    /** The new transitions of the retraining run once it reached {@code state}. */
    private Optional<String> runReached(String state) throws Exception {
        JsonNode run = run();
        if (run == null) {
            return Optional.empty();
        }
        boolean reached = false;
        for (JsonNode t : run.path("transitions")) {
            reached |= t.path("to").asText().equals(state);
        }
        String runState = run.path("state").asText();
        if (!reached && ENDED_WITHOUT_PROMOTION.contains(runState)) {
            throw new DemoPhase.DemoFailed(
                    "retraining run "
                            + runId
                            + " ended "
                            + runState
                            + ": "
                            + run.path("failure_reason").asText("(no reason given)")
                            + "\n"
                            + newTransitions(run));
        }
        return reached ? Optional.of(newTransitions(run)) : Optional.empty();
    }

    private Optional<String> promoted() throws Exception {
        Optional<String> transitions = runReached("promoted");
        if (transitions.isEmpty()) {
            return transitions;
        }
        promotedVersion = run().path("candidate_version").asText();
        return Optional.of(
                transitions.get()
                        + "\n  champion is now version "
                        + promotedVersion
                        + "; its profile was published to driftwatch.reference-profiles");
    }

    private Optional<String> resolved() throws Exception {
        for (JsonNode a : alerts()) {
            if (a.path("id").asLong() == alertId
                    && a.path("status").asText().equals(Alert.RESOLVED)) {
                return Optional.of(
                        "the alert resolved (fingerprint "
                                + alertFingerprint
                                + ") after "
                                + (System.currentTimeMillis() - started) / 1000
                                + " s of traffic");
            }
        }
        return Optional.empty();
    }

    private JsonNode alerts() throws Exception {
        return registry.get("/api/v1/alerts?limit=1000&model_name=" + RegistryClient.encode(model))
                .path("alerts");
    }

    /**
     * The model's retraining run (the first one) with its transitions, or null before it exists.
     */
    private JsonNode run() throws Exception {
        if (runId < 0) {
            for (JsonNode r :
                    registry.get("/api/v1/retrain-runs?model_name=" + RegistryClient.encode(model))
                            .path("runs")) {
                if (runId < 0 || r.path("id").asLong() < runId) {
                    runId = r.path("id").asLong();
                }
            }
            if (runId < 0) {
                return null;
            }
        }
        return registry.get("/api/v1/retrain-runs/" + runId);
    }

    private String newTransitions(JsonNode run) {
        List<String> lines = new ArrayList<>();
        JsonNode transitions = run.path("transitions");
        for (int i = transitionsShown; i < transitions.size(); i++) {
            JsonNode t = transitions.get(i);
            String detail = t.path("detail").asText("");
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "  retraining run %d: %s -> %s%s",
                            runId,
                            t.path("from").isNull() ? "(new)" : t.path("from").asText(),
                            t.path("to").asText(),
                            detail.isBlank() ? "" : " (" + detail + ")"));
        }
        transitionsShown = transitions.size();
        return "\n" + String.join("\n", lines);
    }

    /**
     * The PSI of each feature in the latest window of a version, from {@code drift_metrics}, and
     * whether it drifted (on the row of the metric that decided).
     */
    private Optional<String> latestPsi(String version) {
        try (Connection db =
                        DriverManager.getConnection(
                                endpoints.jdbcUrl(),
                                endpoints.jdbcUser(),
                                endpoints.jdbcPassword());
                PreparedStatement st =
                        db.prepareStatement(
                                """
                                SELECT feature, max(value) FILTER (WHERE metric = 'psi'),
                                       count(*) FILTER (WHERE drift_detected) > 0
                                FROM drift_metrics
                                WHERE model_name = ? AND model_version = ? AND feature <> ''
                                  AND window_seconds = %d
                                  AND window_start = (SELECT max(window_start) FROM drift_metrics
                                                      WHERE model_name = ? AND model_version = ?
                                                        AND metric = 'psi' AND window_seconds = %d)
                                GROUP BY feature ORDER BY feature"""
                                        .formatted(
                                                DemoCommand.WINDOW.toSeconds(),
                                                DemoCommand.WINDOW.toSeconds()))) {
            st.setString(1, model);
            st.setString(2, version);
            st.setString(3, model);
            st.setString(4, version);
            List<String> parts = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    parts.add(
                            String.format(
                                    Locale.ROOT,
                                    "%s psi=%.3f%s",
                                    rs.getString(1),
                                    rs.getDouble(2),
                                    rs.getBoolean(3) ? " DRIFT" : ""));
                }
            }
            return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
        } catch (SQLException notYet) {
            return Optional.empty(); // the table appears when the job has migrated it
        }
    }

    /**
     * The first window after the shift (it starts at the shift), once it closed and version 1's
     * {@code EstimatedPerformanceDrop} alert fired: the accuracy estimated from the calibrated
     * scores (the row written when the window closed, {@code estimated = true}) and the alert, with
     * proof that no label of the window had been sent when the demo saw them.
     */
    private Optional<String> estimatedBeforeLabels() throws Exception {
        long window = world.shiftAt();
        JsonNode alert = null;
        for (JsonNode a : alerts()) {
            if (a.path("status").asText().equals(Alert.FIRING)
                    && a.path("labels")
                            .path(AlertLabels.ALERTNAME)
                            .asText()
                            .equals(PerformanceRule.ESTIMATED_DROP_ALERT)
                    && a.path("labels").path(AlertLabels.MODEL_VERSION).asText().equals("1")) {
                alert = a;
            }
        }
        if (alert == null) {
            return Optional.empty();
        }
        long seenAt = System.currentTimeMillis();
        long labelledUpTo = simulator.labelledUpTo();
        Optional<WindowRow> estimate = accuracy(window, true);
        if (estimate.isEmpty() || estimate.get().closedBy() == null) {
            return Optional.empty();
        }
        WindowRow e = estimate.get();
        Alert a = Alert.fromJsonNode(alert);
        long alertWindow =
                Instant.parse(a.annotations().get(AlertLabels.WINDOW_START)).toEpochMilli();
        long firstWindow = Math.min(window, alertWindow);
        estimatedAt = seenAt;
        String coverage;
        if (labelledUpTo < firstWindow && e.labeled() == 0) {
            coverage =
                    String.format(
                            Locale.ROOT,
                            "label coverage 0 (0 of its %d predictions labelled; its first label is"
                                    + " due in %d s)",
                            e.sampleCount(),
                            Math.max(0, (firstWindow + Simulator.LABEL_DELAY_MS - seenAt) / 1000));
            beforeLabels = true;
        } else {
            coverage =
                    String.format(
                            Locale.ROOT,
                            "%d of its %d predictions were already labelled when the demo read it"
                                    + " (this machine is slow: labels come %d s after their"
                                    + " predictions)",
                            e.labeled(),
                            e.sampleCount(),
                            Simulator.LABEL_DELAY_MS / 1000);
        }
        double value = Double.parseDouble(a.annotations().get(AlertLabels.VALUE));
        return Optional.of(
                String.format(
                        Locale.ROOT,
                        "window %s (the first after the shift) closed, %s.%n"
                                + "  Accuracy estimated from the calibrated scores: %.3f ± %.3f"
                                + " (reference %.3f).%n"
                                + "  Alert %s fired on window %s%s: value %.3f, threshold %s"
                                + " (rule '%s drop>%s': the estimate plus %s standard errors,"
                                + " %.3f, is more than that share below the reference)",
                        span(window),
                        coverage,
                        e.value(),
                        e.standardError(),
                        referenceAccuracy,
                        PerformanceRule.ESTIMATED_DROP_ALERT,
                        span(alertWindow),
                        beforeLabels ? " before any of its labels arrived" : "",
                        value,
                        a.annotations().get(AlertLabels.THRESHOLD),
                        a.label(AlertLabels.METRIC),
                        a.annotations().get(AlertLabels.THRESHOLD),
                        GUARD_Z_TEXT,
                        e.value() + GUARD_Z * e.standardError()));
    }

    /**
     * The same window once all its labels came: the realised accuracy next to the estimate, and the
     * estimation error (realised - estimated) in standard errors.
     */
    private Optional<String> realisedAfterLabels() {
        long window = world.shiftAt();
        Optional<WindowRow> realised = accuracy(window, false);
        Optional<WindowRow> estimate = accuracy(window, true);
        Optional<WindowRow> error = metric(window, "accuracy_estimation_error", false);
        if (realised.isEmpty()
                || estimate.isEmpty()
                || error.isEmpty()
                || realised.get().labeled() < realised.get().sampleCount()) {
            return Optional.empty();
        }
        WindowRow r = realised.get();
        WindowRow e = estimate.get();
        WindowRow x = error.get();
        return Optional.of(
                String.format(
                        Locale.ROOT,
                        "window %s, now that its labels came (%d of %d, %d s after their"
                                + " predictions): realised accuracy %.3f; estimated %.3f ± %.3f"
                                + " %d s earlier, before any label; estimation error %+.3f (%+.1f"
                                + " standard errors): the estimate was within its error, as it"
                                + " should be when P(y | x) did not change",
                        span(window),
                        r.labeled(),
                        r.sampleCount(),
                        Simulator.LABEL_DELAY_MS / 1000,
                        r.value(),
                        e.value(),
                        e.standardError(),
                        Math.max(0, (System.currentTimeMillis() - estimatedAt) / 1000),
                        x.value(),
                        x.value() / x.standardError()));
    }

    private static String span(long windowStart) {
        return Instant.ofEpochMilli(windowStart).toString().substring(11, 19)
                + "-"
                + Instant.ofEpochMilli(windowStart + DemoCommand.WINDOW.toMillis())
                        .toString()
                        .substring(11, 19);
    }

    /** A row of {@code performance_metrics}. */
    private record WindowRow(
            double value, double standardError, long sampleCount, long labeled, String closedBy) {}

    private Optional<WindowRow> accuracy(long windowStart, boolean estimated) {
        return metric(windowStart, "accuracy", estimated);
    }

    /** Version 1's row of a metric in the window starting at {@code windowStart}. */
    private Optional<WindowRow> metric(long windowStart, String metric, boolean estimated) {
        try (Connection db =
                        DriverManager.getConnection(
                                endpoints.jdbcUrl(),
                                endpoints.jdbcUser(),
                                endpoints.jdbcPassword());
                PreparedStatement st =
                        db.prepareStatement(
                                """
                                SELECT value, standard_error, sample_count, labeled_count, closed_by
                                FROM performance_metrics
                                WHERE model_name = ? AND model_version = '1' AND segment = ''
                                  AND metric = ? AND estimated = ? AND window_start = ?
                                  AND value IS NOT NULL""")) {
            st.setString(1, model);
            st.setString(2, metric);
            st.setBoolean(3, estimated);
            st.setTimestamp(4, new java.sql.Timestamp(windowStart));
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new WindowRow(
                                rs.getDouble(1),
                                rs.getObject(2) == null ? Double.NaN : rs.getDouble(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getString(5)));
            }
        } catch (SQLException notYet) {
            return Optional.empty(); // the table appears when the job has migrated it
        }
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
