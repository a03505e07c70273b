package dev.driftwatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.cli.UpCommand;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.registry.notify.PagerDutyReceiver;
import dev.driftwatch.registry.notify.SlackReceiver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch demo}: the whole loop on embedded defaults — the local stack, a demo model with
 * its reference profile and retrain policy, and a model-server simulator that shifts its input
 * after a while — with progress printed in phases: drift metrics, an alert (as the Slack and
 * PagerDuty payloads it would send), a retraining run trained, validated and promoted, the new
 * baseline, the alert resolved.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole loop on embedded defaults: drift detected, alert, retraining, promotion,"
                    + " new baseline, alert resolved. Then keeps running until Ctrl-C."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(
            names = "--data-dir",
            defaultValue = "data/demo",
            paramLabel = "DIR",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            paramLabel = "PORT",
            description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(
            names = "--shift-after",
            defaultValue = "50",
            paramLabel = "SECONDS",
            description =
                    "Seconds of normal traffic before the input shifts (default: ${DEFAULT-VALUE}).")
    int shiftAfterSeconds;

    @Option(
            names = "--events-per-second",
            defaultValue = "60",
            paramLabel = "N",
            description = "Predictions per second (default: ${DEFAULT-VALUE}).")
    int eventsPerSecond;

    @Option(
            names = "--exit-when-done",
            description = "Stop once the loop has completed (for scripts and tests).")
    boolean exitWhenDone;

    @Option(
            names = "--timeout",
            defaultValue = "8",
            paramLabel = "MINUTES",
            description =
                    "Give up when the loop has not completed after this long (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        if (shiftAfterSeconds < 10
                || eventsPerSecond < 10
                || eventsPerSecond > 5000
                || timeoutMinutes < 1) {
            throw new dev.driftwatch.cli.InputException(
                    "--shift-after must be >= 10, --events-per-second in [10, 5000], --timeout >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Configuration config =
                JobArguments.parse(
                        List.of(
                                "--window", "20s",
                                "--out-of-orderness", "2s",
                                "--idleness", "10s",
                                "--allowed-lateness", "20s",
                                "--checkpoint-interval", "3s",
                                "--alert-resolve-after", "2",
                                "--performance-emit-interval", "5s"));
        try (UpCommand.Stack stack =
                UpCommand.start(config, dataDir, webUiPort, registryPort, out)) {
            boolean done = run(stack, out);
            if (!done) {
                out.println(
                        "demo: the loop did not complete within "
                                + timeoutMinutes
                                + " min; see the logs above");
                out.flush();
                return 1;
            }
            if (!exitWhenDone) {
                out.println("demo: still running (traffic continues). Ctrl-C stops it.");
                out.flush();
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                stopped.await();
            }
            return 0;
        }
    }

    private boolean run(UpCommand.Stack stack, PrintWriter out) throws Exception {
        JsonNode endpoints =
                JSON.readTree(
                        java.nio.file.Files.readString(stack.dataDir().resolve("endpoints.json")));
        String model = "fraud-demo-" + Long.toString(System.currentTimeMillis() / 1000 % 100000);
        RegistryClient registry =
                new RegistryClient(
                        endpoints.get("registry_url").asText(),
                        endpoints.get("admin_token").asText());
        String bootstrap = endpoints.get("kafka_bootstrap_servers").asText();

        phase(
                out,
                0,
                "registering model "
                        + model
                        + " (version 1, its reference profile, champion alias, retrain policy)");
        registerModel(registry, model);
        setPolicy(registry, model, bootstrap);

        DemoWorld world = new DemoWorld(7);
        try (Simulator simulator =
                new Simulator(world, registry, bootstrap, model, eventsPerSecond, 4000)) {
            Thread thread = new Thread(simulator, "demo-simulator");
            thread.setDaemon(true);
            thread.start();
            phase(
                    out,
                    1,
                    "model server simulator started: "
                            + eventsPerSecond
                            + " predictions/s, labels 4 s later; input shifts in "
                            + shiftAfterSeconds
                            + " s");

            long started = System.currentTimeMillis();
            long deadline = started + Duration.ofMinutes(timeoutMinutes).toMillis();
            String firedFingerprint = null;
            boolean metricsShown = false;
            boolean shifted = false;
            int transitionsShown = 0;
            String promotedVersion = null;
            boolean baselineShown = false;
            try (Connection db =
                    DriverManager.getConnection(
                            endpoints.get("jdbc_url").asText(),
                            endpoints.get("jdbc_user").asText(),
                            endpoints.get("jdbc_password").asText())) {
                while (System.currentTimeMillis() < deadline) {
                    Thread.sleep(2000);
                    if (!metricsShown) {
                        String psi = latestPsi(db, model, "1");
                        if (psi != null) {
                            phase(out, 2, "drift metrics appear (window of 20 s): " + psi);
                            metricsShown = true;
                        }
                    }
                    if (!shifted
                            && System.currentTimeMillis() - started >= shiftAfterSeconds * 1000L) {
                        world.shift();
                        shifted = true;
                        phase(
                                out,
                                3,
                                "the world shifts: amounts double, new country PL, fraud threshold moves");
                    }
                    if (shifted && firedFingerprint == null) {
                        firedFingerprint = showFiredAlert(db, model, out);
                    }
                    if (firedFingerprint != null) {
                        transitionsShown = showTransitions(db, model, transitionsShown, out);
                        if (promotedVersion == null) {
                            promotedVersion = promoted(db, model);
                            if (promotedVersion != null) {
                                phase(
                                        out,
                                        6,
                                        "promoted: champion is now version "
                                                + promotedVersion
                                                + "; its profile was published to driftwatch.reference-profiles");
                            }
                        }
                    }
                    if (promotedVersion != null && !baselineShown) {
                        String psi = latestPsi(db, model, promotedVersion);
                        if (psi != null) {
                            phase(
                                    out,
                                    7,
                                    "the drift job now compares version "
                                            + promotedVersion
                                            + "'s traffic with its new baseline: "
                                            + psi);
                            baselineShown = true;
                        }
                    }
                    if (baselineShown && resolved(db, firedFingerprint)) {
                        phase(
                                out,
                                8,
                                "the alert resolved (fingerprint "
                                        + firedFingerprint
                                        + ") after "
                                        + (System.currentTimeMillis() - started) / 1000
                                        + " s of traffic");
                        printWhereToLook(out, endpoints, model);
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void phase(PrintWriter out, int n, String text) {
        out.printf(
                Locale.ROOT,
                "%n[demo %s] phase %d: %s%n",
                Instant.now().toString().substring(11, 19),
                n,
                text);
        out.flush();
    }

    private void registerModel(RegistryClient registry, String model) throws Exception {
        ObjectNode create =
                JSON.createObjectNode()
                        .put("name", model)
                        .put("description", "Driftwatch demo model");
        registry.post("/api/2.0/mlflow/registered-models/create", create);
        ObjectNode version =
                JSON.createObjectNode().put("name", model).put("source", "demo://" + model + "/1");
        ArrayNode tags = version.putArray("tags");
        tags.addObject().put("key", "center").put("value", "40.0");
        String v =
                registry.post("/api/2.0/mlflow/model-versions/create", version)
                        .path("model_version")
                        .path("version")
                        .asText();
        // The reference sample: the world before the shift, scored by version 1.
        DemoWorld reference = new DemoWorld(1);
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        NumericReferenceBuilder age = new NumericReferenceBuilder();
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        NumericReferenceBuilder score = new NumericReferenceBuilder();
        int right = 0;
        for (int i = 0; i < 5000; i++) {
            DemoWorld.Transaction t = reference.next();
            amount.add(t.amount());
            age.add(t.age());
            country.add(t.country());
            double s = DemoWorld.score(t.amount(), 40.0);
            score.add(s);
            if ((s >= 0.5) == t.fraud()) {
                right++;
            }
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("amount", amount.build(10));
        features.put("age", age.build(10));
        features.put("country", country.build());
        features.put(PredictionEvent.SCORE_FEATURE, score.build(10));
        ReferenceProfile profile =
                new ReferenceProfile(
                        model, v, Instant.now(), features, Map.of("accuracy", right / 5000.0));
        registry.put(
                "/api/v1/models/"
                        + RegistryClient.encode(model)
                        + "/versions/"
                        + v
                        + "/reference-profile",
                profile.toJson());
        registry.post(
                "/api/2.0/mlflow/registered-models/alias",
                JSON.createObjectNode()
                        .put("name", model)
                        .put("alias", "champion")
                        .put("version", v));
    }

    private static void setPolicy(RegistryClient registry, String model, String bootstrap)
            throws Exception {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // absolute entries: the trainer runs in the run's own directory
        String classpath =
                java.util.Arrays.stream(
                                System.getProperty("java.class.path")
                                        .split(java.io.File.pathSeparator))
                        .map(e -> Path.of(e).toAbsolutePath().toString())
                        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        ObjectNode policy = JSON.createObjectNode();
        policy.put("enabled", true);
        policy.putArray("triggers").addObject().put("alertname", "FeatureDrift");
        policy.put("cooldown", "10min");
        policy.put("dedup_window", "1h");
        policy.put("approval", "automatic");
        policy.put("data_window", "1min");
        for (String kind : List.of("training", "validation")) {
            ObjectNode t = policy.putObject(kind);
            t.put("image", "local");
            ArrayNode cmd = t.putArray("command");
            cmd.add(javaBinary)
                    .add("-cp")
                    .add(classpath)
                    .add(DemoTrainer.class.getName())
                    .add(kind.equals("training") ? "train" : "validate");
            t.putObject("env").put("DRIFTWATCH_KAFKA", bootstrap);
            t.put("gpus", 0);
            t.put("deadline", "5min");
        }
        policy.putArray("gates")
                .addObject()
                .put("type", "min_vs_champion")
                .put("metric", "accuracy")
                .put("tolerance", 0.02);
        registry.put(
                "/api/v1/models/" + RegistryClient.encode(model) + "/retrain-policy",
                JSON.writeValueAsString(policy));
    }

    private static String latestPsi(Connection db, String model, String version) throws Exception {
        try (PreparedStatement st =
                db.prepareStatement(
                        "SELECT feature, value, drift_detected, window_start FROM drift_metrics WHERE"
                                + " model_name = ? AND model_version = ? AND metric = 'psi' AND window_start ="
                                + " (SELECT max(window_start) FROM drift_metrics WHERE model_name = ? AND"
                                + " model_version = ? AND metric = 'psi') ORDER BY feature")) {
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
            return parts.isEmpty() ? null : String.join(", ", parts);
        } catch (java.sql.SQLException notYet) {
            return null; // the table appears when the job has migrated it
        }
    }

    private static String showFiredAlert(Connection db, String model, PrintWriter out)
            throws Exception {
        try (PreparedStatement st =
                db.prepareStatement(
                        "SELECT fingerprint, status, labels::text, annotations::text, starts_at FROM alerts"
                                + " WHERE model_name = ? AND alertname = 'FeatureDrift' AND status = 'firing' ORDER BY first_received_at LIMIT 1")) {
            st.setString(1, model);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ObjectNode a = JSON.createObjectNode();
                a.put("status", "firing");
                a.set("labels", JSON.readTree(rs.getString(3)));
                a.set("annotations", JSON.readTree(rs.getString(4)));
                a.put("startsAt", rs.getTimestamp(5).toInstant().toString());
                Alert alert = Alert.fromJsonNode(a);
                phase(
                        out,
                        4,
                        "alert fired: "
                                + alert.annotations()
                                        .getOrDefault("summary", alert.label("alertname")));
                out.println(
                        "  The Slack message it would send (configure a route with a webhook URL to send it):");
                out.println(
                        indent(
                                JSON.writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(SlackReceiver.message(alert))));
                out.println("  The PagerDuty event (Events API v2):");
                out.println(
                        indent(
                                JSON.writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(
                                                PagerDutyReceiver.event(alert, "<routing key>"))));
                out.flush();
                return rs.getString(1);
            }
        }
    }

    private static int showTransitions(Connection db, String model, int shown, PrintWriter out)
            throws Exception {
        try (PreparedStatement st =
                db.prepareStatement(
                        "SELECT t.run_id, t.from_state, t.to_state, t.detail FROM retrain_transitions t JOIN"
                                + " retrain_runs r ON r.id = t.run_id WHERE r.model_name = ? ORDER BY t.id")) {
            st.setString(1, model);
            int i = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (i++ >= shown) {
                        String detail = rs.getString(4);
                        phase(
                                out,
                                5,
                                String.format(
                                        Locale.ROOT,
                                        "retraining run %d: %s -> %s%s",
                                        rs.getLong(1),
                                        rs.getString(2) == null ? "(new)" : rs.getString(2),
                                        rs.getString(3),
                                        detail == null || detail.isBlank()
                                                ? ""
                                                : " (" + detail + ")"));
                    }
                }
            }
            return i;
        }
    }

    private static String promoted(Connection db, String model) throws Exception {
        try (PreparedStatement st =
                db.prepareStatement(
                        "SELECT candidate_version FROM retrain_runs WHERE model_name = ? AND state = 'promoted'")) {
            st.setString(1, model);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Integer.toString(rs.getInt(1)) : null;
            }
        }
    }

    private static boolean resolved(Connection db, String fingerprint) throws Exception {
        try (PreparedStatement st =
                db.prepareStatement(
                        "SELECT 1 FROM alerts WHERE fingerprint = ? AND status = 'resolved'")) {
            st.setString(1, fingerprint);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void printWhereToLook(PrintWriter out, JsonNode endpoints, String model) {
        out.println();
        out.println("The loop is complete. Look around:");
        out.println("  Flink web UI:  " + endpoints.get("flink_web_ui").asText());
        out.println(
                "  Registry:      "
                        + endpoints.get("registry_url").asText()
                        + "/api/v1/retrain-runs?model_name="
                        + model
                        + " (token: admin_token in endpoints.json)");
        out.println("  PostgreSQL:    " + endpoints.get("jdbc_url").asText());
        out.println("  SQL:");
        out.println(
                "    SELECT model_version, feature, window_start, value, drift_detected FROM drift_metrics WHERE model_name = '"
                        + model
                        + "' AND metric = 'psi' ORDER BY window_start, feature;");
        out.println(
                "    SELECT model_version, metric, window_start, value, labeled_count, sample_count FROM performance_metrics WHERE model_name = '"
                        + model
                        + "' AND metric = 'accuracy' ORDER BY window_start;");
        out.println(
                "    SELECT fingerprint, alertname, status, starts_at, ends_at FROM alerts WHERE model_name = '"
                        + model
                        + "';");
        out.println(
                "    SELECT r.id, r.state, t.from_state, t.to_state, t.at, t.cause FROM retrain_runs r JOIN retrain_transitions t ON t.run_id = r.id WHERE r.model_name = '"
                        + model
                        + "' ORDER BY t.id;");
        out.flush();
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
