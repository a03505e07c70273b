package dev.driftwatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.jobs.drift.AlertRule;
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
    private static final Set<String> ENDED_WITHOUT_PROMOTION =
            Set.of("failed", "cancelled", "rejected");

    private final RegistryClient registry;
    private final Endpoints endpoints;
    private final String model;
    private final DemoWorld world;
    private final Duration shiftAfter;
    private final long started = System.currentTimeMillis();

    private long alertId = -1;
    private String alertFingerprint;
    private long runId = -1;
    private int transitionsShown;
    private String promotedVersion;
    private long shiftedAt = Long.MAX_VALUE;

    DemoLoop(
            RegistryClient registry,
            Endpoints endpoints,
            String model,
            DemoWorld world,
            Duration shiftAfter) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.model = model;
        this.world = world;
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
                new DemoPhase("estimated performance", this::estimatedAfterShift),
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

    private Optional<String> shift() {
        if (System.currentTimeMillis() - started < shiftAfter.toMillis()) {
            return Optional.empty();
        }
        world.shift();
        shiftedAt = System.currentTimeMillis();
        return Optional.of(
                "the world shifts: amounts double, new country PL, fraud threshold moves");
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
                                  AND window_start = (SELECT max(window_start) FROM drift_metrics
                                                      WHERE model_name = ? AND model_version = ?
                                                        AND metric = 'psi')
                                GROUP BY feature ORDER BY feature""")) {
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
     * Version 1's accuracy in the first window that started after the shift, once it closed and its
     * labels are in: estimated from the calibrated scores (the row written when the window closed,
     * {@code estimated = true}), realised, and the estimation error in standard errors.
     */
    private Optional<String> estimatedAfterShift() {
        try (Connection db =
                        DriverManager.getConnection(
                                endpoints.jdbcUrl(),
                                endpoints.jdbcUser(),
                                endpoints.jdbcPassword());
                PreparedStatement st =
                        db.prepareStatement(
                                """
                                SELECT e.value, e.standard_error, r.value, x.value, x.standard_error
                                FROM performance_metrics e
                                JOIN performance_metrics r USING (model_name, model_version, segment,
                                                                  window_start)
                                JOIN performance_metrics x USING (model_name, model_version, segment,
                                                                  window_start)
                                WHERE model_name = ? AND model_version = '1' AND segment = ''
                                  AND e.metric = 'accuracy' AND e.estimated
                                  AND e.closed_by IS NOT NULL
                                  AND r.metric = 'accuracy' AND NOT r.estimated
                                  AND x.metric = 'accuracy_estimation_error'
                                  AND window_start >= ?
                                ORDER BY window_start LIMIT 1""")) {
            st.setString(1, model);
            st.setTimestamp(2, new java.sql.Timestamp(shiftedAt));
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        String.format(
                                Locale.ROOT,
                                "accuracy of the first window after the shift, estimated from the"
                                        + " calibrated scores when it closed: %.3f ± %.3f;"
                                        + " realised from its labels: %.3f (estimation error %.1f"
                                        + " standard errors).%n  This shift moved the fraud"
                                        + " threshold (P(y | x) changed): an estimate from scores"
                                        + " cannot see that, and the accuracy_estimation_error rows"
                                        + " (alert EstimationError) say so. A shift of the inputs"
                                        + " alone shows in the estimate before any label.",
                                rs.getDouble(1),
                                rs.getDouble(2),
                                rs.getDouble(3),
                                rs.getDouble(4) / rs.getDouble(5)));
            }
        } catch (SQLException notYet) {
            return Optional.empty();
        }
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
