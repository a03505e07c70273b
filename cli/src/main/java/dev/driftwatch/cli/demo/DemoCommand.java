package dev.driftwatch.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.cli.InputException;
import dev.driftwatch.cli.StackOptions;
import dev.driftwatch.cli.UntilStopped;
import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.drift.AlertRule;
import dev.driftwatch.jobs.shared.JobArguments;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch demo}: the whole loop on embedded defaults — the {@link LocalStack}, a demo
 * model with its reference profile and retrain policy, and a model-server simulator that shifts its
 * input after a while — with progress printed as the phases of {@link DemoLoop} happen: drift
 * metrics, an alert (as the Slack and PagerDuty payloads it would send), the accuracy estimated
 * before any label and its alert, the realised accuracy once labels came, a retraining run trained,
 * validated and promoted, the new baseline, the alert resolved.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        defaultValueProvider = DemoCommand.Defaults.class,
        description = {
            "Run the whole loop on embedded defaults: drift detected, alert, accuracy estimated"
                    + " before labels, retraining, promotion, new baseline, alert resolved. Then"
                    + " keeps running until Ctrl-C."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The jobs' windows in the demo. */
    static final Duration WINDOW = Duration.ofSeconds(20);

    @Spec CommandSpec spec;

    @Mixin StackOptions stack;

    @Option(
            names = "--shift-after",
            defaultValue = "50",
            paramLabel = "SECONDS",
            description =
                    "Seconds of normal traffic before the input shifts (at the start of the next"
                            + " window), at least 10 (default: ${DEFAULT-VALUE}).")
    int shiftAfterSeconds;

    @Option(
            names = "--events-per-second",
            defaultValue = "60",
            paramLabel = "N",
            description = "Predictions per second, 10 to 5000 (default: ${DEFAULT-VALUE}).")
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
                    "Give up when the loop has not completed after this long, at least 1 (default:"
                            + " ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    /**
     * The demo keeps its data apart from {@code up}'s: {@code --data-dir} defaults to data/demo.
     */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o && o.longestName().equals("--data-dir")
                    ? "data/demo"
                    : null;
        }
    }

    /** The stack options as parsed (for tests). */
    public StackOptions stackOptions() {
        return stack;
    }

    @Override
    public Integer call() throws Exception {
        if (shiftAfterSeconds < 10) {
            throw new InputException("--shift-after must be at least 10, was " + shiftAfterSeconds);
        }
        if (eventsPerSecond < 10 || eventsPerSecond > 5000) {
            throw new InputException(
                    "--events-per-second must be between 10 and 5000, was " + eventsPerSecond);
        }
        if (timeoutMinutes < 1) {
            throw new InputException("--timeout must be at least 1, was " + timeoutMinutes);
        }
        stack.validate();
        PrintWriter out = spec.commandLine().getOut();
        // --idleness: the features topic gets no traffic in the demo and stops holding back event
        // time after this long, so the predictions alone drive the windows.
        Configuration jobs =
                JobArguments.parse(
                        List.of(
                                "--window", WINDOW.toSeconds() + "s",
                                "--out-of-orderness", "2s",
                                "--idleness", "30s",
                                "--allowed-lateness", "20s",
                                "--checkpoint-interval", "3s",
                                "--alert-resolve-after", "2",
                                "--performance-emit-interval", "5s"));
        try (LocalStack running = LocalStack.start(stack.settings(jobs), out)) {
            Endpoints endpoints = running.endpoints();
            String model =
                    "fraud-demo-" + Long.toString(System.currentTimeMillis() / 1000 % 100000);
            RegistryClient registry =
                    new RegistryClient(endpoints.registryUrl(), endpoints.adminToken());
            setup(
                    out,
                    "registering model "
                            + model
                            + " (version 1, its reference profile, champion alias, retrain"
                            + " policy)");
            double referenceAccuracy = registerModel(registry, model);
            setPolicy(registry, model);
            DemoWorld world = new DemoWorld(7);
            long labelDelay = Simulator.LABEL_DELAY_MS;
            try (Simulator simulator =
                    new Simulator(
                            world,
                            registry,
                            endpoints.kafkaBootstrapServers(),
                            model,
                            eventsPerSecond,
                            labelDelay)) {
                Thread thread = new Thread(simulator, "demo-simulator");
                thread.setDaemon(true);
                thread.start();
                setup(
                        out,
                        "model server simulator started: "
                                + eventsPerSecond
                                + " predictions/s, labels "
                                + labelDelay / 1000
                                + " s later; input shifts at the start of the first window after "
                                + shiftAfterSeconds
                                + " s of traffic and the first drift metrics");
                DemoLoop loop =
                        new DemoLoop(
                                registry,
                                endpoints,
                                model,
                                world,
                                simulator,
                                referenceAccuracy,
                                Duration.ofSeconds(shiftAfterSeconds));
                boolean done;
                try {
                    done = loop.run(out, Duration.ofMinutes(timeoutMinutes));
                } catch (DemoPhase.DemoFailed e) {
                    out.println("demo: the loop cannot complete: " + e.getMessage());
                    out.flush();
                    return 1;
                }
                if (!done) {
                    out.println(
                            "demo: the loop did not complete within "
                                    + timeoutMinutes
                                    + " min; see the logs above");
                    out.flush();
                    return 1;
                }
                printWhereToLook(out, endpoints, model);
                if (!exitWhenDone) {
                    out.println("demo: still running (traffic continues). Ctrl-C stops it.");
                    out.flush();
                    UntilStopped.await(
                            () -> {
                                simulator.close();
                                running.close();
                            },
                            "demo",
                            out);
                }
                return 0;
            }
        }
    }

    private static void setup(PrintWriter out, String text) {
        out.printf("%n[demo %s] setup: %s%n", Instant.now().toString().substring(11, 19), text);
        out.flush();
    }

    /** Registers version 1 with its reference profile and champion alias; its accuracy. */
    private double registerModel(RegistryClient registry, String model) throws Exception {
        ObjectNode create =
                JSON.createObjectNode()
                        .put("name", model)
                        .put("description", "Driftwatch demo model");
        registry.post("/api/2.0/mlflow/registered-models/create", create);
        ObjectNode version =
                JSON.createObjectNode().put("name", model).put("source", "demo://" + model + "/1");
        ArrayNode tags = version.putArray("tags");
        tags.addObject().put("key", "center").put("value", Double.toString(DemoWorld.FRAUD_CENTER));
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
        double[] scores = new double[5000];
        boolean[] fraud = new boolean[5000];
        for (int i = 0; i < 5000; i++) {
            DemoWorld.Transaction t = reference.next(0);
            amount.add(t.amount());
            age.add(t.age());
            country.add(t.country());
            double s = DemoWorld.score(t.amount(), DemoWorld.FRAUD_CENTER);
            score.add(s);
            scores[i] = s;
            fraud[i] = t.fraud();
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
                        model,
                        v,
                        Instant.now(),
                        features,
                        Map.of("accuracy", right / 5000.0),
                        // the performance job estimates accuracy from calibrated scores before
                        // labels
                        Calibration.fitBinary("1", scores, fraud));
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
        return right / 5000.0;
    }

    private static void setPolicy(RegistryClient registry, String model) throws Exception {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("enabled", true);
        policy.putArray("triggers").addObject().put("alertname", AlertRule.FEATURE_DRIFT);
        policy.put("cooldown", "10min");
        policy.put("dedup_window", "1h");
        policy.put("approval", "automatic");
        policy.put("data_window", "1min");
        // what runs is the demo's templates, configured by the local stack (as admin)
        policy.putObject("training").put("template", DemoTrainer.TRAIN_TEMPLATE);
        policy.putObject("validation").put("template", DemoTrainer.VALIDATE_TEMPLATE);
        policy.putArray("gates")
                .addObject()
                .put("type", "min_vs_champion")
                .put("metric", "accuracy")
                .put("tolerance", 0.05);
        registry.put(
                "/api/v1/models/" + RegistryClient.encode(model) + "/retrain-policy",
                JSON.writeValueAsString(policy));
    }

    private static void printWhereToLook(PrintWriter out, Endpoints endpoints, String model) {
        out.println();
        out.println("The loop is complete. Look around (token: admin_token in endpoints.json):");
        out.println("  Flink web UI:  " + endpoints.flinkWebUi());
        out.println("  Console:       " + endpoints.registryUrl() + "/ui?range=1h");
        out.println(
                "  Alerts:        "
                        + endpoints.registryUrl()
                        + "/api/v1/alerts?model_name="
                        + model);
        out.println(
                "  Runs:          "
                        + endpoints.registryUrl()
                        + "/api/v1/retrain-runs?model_name="
                        + model);
        out.println("  PostgreSQL:    " + endpoints.jdbcUrl());
        out.println("  SQL:");
        out.println(
                "    SELECT model_version, feature, window_start, value, drift_detected FROM"
                        + " drift_metrics WHERE model_name = '"
                        + model
                        + "' AND metric = 'psi' ORDER BY window_start, feature;");
        out.println(
                "    SELECT model_version, window_start, estimated, value, standard_error,"
                        + " labeled_count, sample_count FROM performance_metrics WHERE model_name"
                        + " = '"
                        + model
                        + "' AND metric = 'accuracy' ORDER BY window_start, estimated;");
        out.println(
                "    SELECT fingerprint, alertname, status, starts_at, ends_at FROM alerts WHERE"
                        + " model_name = '"
                        + model
                        + "';");
        out.println(
                "    SELECT r.id, r.state, t.from_state, t.to_state, t.at, t.cause FROM"
                        + " retrain_runs r JOIN retrain_transitions t ON t.run_id = r.id WHERE"
                        + " r.model_name = '"
                        + model
                        + "' ORDER BY t.id;");
        out.flush();
    }
}
