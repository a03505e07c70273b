package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code registry}'s options and their environment variables: one variable per option, the same
 * values whichever way they are given, the command line winning, and a bad value from either giving
 * one line {@code driftwatch registry: error: ...} naming the option (and the variable) with exit
 * code 2, before anything starts.
 */
class RegistryOptionsTest {
    @TempDir Path dir;

    private static RegistryCommand parse(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "registry";
        System.arraycopy(args, 0, all, 1, args.length);
        RegistryCommand c =
                (RegistryCommand)
                        Driftwatch.commandLine(env)
                                .parseArgs(all)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        c.validate();
        return c;
    }

    private Path templates() throws IOException {
        Path f = dir.resolve("templates.json");
        Files.writeString(
                f,
                """
                {"fraud-train": {"image": "ghcr.io/acme/fraud-trainer:1.4",
                                 "command": ["python", "-m", "train"], "gpus": 1},
                 "fraud-validate": {"image": "ghcr.io/acme/fraud-trainer:1.4",
                                    "command": ["python", "-m", "validate"]}}
                """);
        return f;
    }

    /** What a parsed command says, for comparing the two ways of giving it. */
    private static List<Object> values(RegistryCommand c) {
        return List.of(
                c.jdbcUrl,
                c.jdbcUser,
                c.jdbcPassword,
                c.dataDir,
                c.port,
                c.host,
                c.allowOutbound,
                c.bootstrapServers,
                c.alertsTopic,
                c.deadLettersTopic,
                c.profilesTopic,
                c.training.backend,
                c.training.namespace,
                c.training.trainerRegistryUrl,
                c.training.templatesFile,
                c.training.runsDir);
    }

    @Test
    void environmentVariablesGiveTheSameAsOptions() throws IOException {
        Path templates = templates();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--jdbc-url", "jdbc:postgresql://db.example:5432/driftwatch");
        options.put("--jdbc-user", "driftwatch");
        options.put("--jdbc-password", "a-database-password");
        options.put("--data-dir", dir.resolve("data").toString());
        options.put("--port", "9090");
        options.put("--host", "0.0.0.0");
        options.put("--allow-outbound", "hooks.internal,10.0.0.0/8");
        options.put("--bootstrap-servers", "kafka-0:9092,kafka-1:9092");
        options.put("--alerts-topic", "site.alerts");
        options.put("--dead-letters-topic", "site.dead-letters");
        options.put("--reference-profiles-topic", "site.profiles");
        options.put("--training-backend", "kubernetes");
        options.put("--training-namespace", "ml-training");
        options.put("--trainer-registry-url", "http://driftwatch-registry.driftwatch.svc:8080");
        options.put("--training-templates", templates.toString());
        options.put("--runs-dir", dir.resolve("runs").toString());

        List<String> args = new java.util.ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        options.forEach(
                (option, value) -> {
                    args.add(option);
                    args.add(value);
                    env.put(EnvironmentDefaults.variable(option), value);
                });
        assertThat(env)
                .containsKeys(
                        "DRIFTWATCH_TRAINING_BACKEND",
                        "DRIFTWATCH_TRAINING_NAMESPACE",
                        "DRIFTWATCH_TRAINER_REGISTRY_URL",
                        "DRIFTWATCH_JDBC_PASSWORD",
                        "DRIFTWATCH_ALERTS_TOPIC");
        assertThat(options.keySet())
                .as("the test gives every option of registry")
                .containsExactlyInAnyOrderElementsOf(optionNames());

        RegistryCommand byOptions = parse(Map.of(), args.toArray(String[]::new));
        RegistryCommand byEnvironment = parse(env);
        assertThat(values(byEnvironment)).isEqualTo(values(byOptions));
        assertThat(byOptions.allowOutbound).containsExactly("hooks.internal", "10.0.0.0/8");
        assertThat(byOptions.training.backend).isEqualTo("kubernetes");
        assertThat(byOptions.port).isEqualTo(9090);
    }

    @Test
    void theCommandLineWinsAndEmptyVariablesCountAsUnset() {
        RegistryCommand c =
                parse(
                        Map.of(
                                "DRIFTWATCH_TRAINING_BACKEND", "kubernetes",
                                "DRIFTWATCH_PORT", "9090",
                                "DRIFTWATCH_HOST", ""),
                        "--training-backend",
                        "local",
                        "--data-dir",
                        dir.toString());
        assertThat(c.training.backend).isEqualTo("local");
        assertThat(c.port).isEqualTo(9090);
        assertThat(c.host).isEqualTo("127.0.0.1");
        assertThat(parse(Map.of(), "--data-dir", dir.toString()).training.backend)
                .isEqualTo("none");
    }

    @Test
    void everyVariableIsOneOptionsNameOrAToken() {
        assertThat(RegistryCommand.environmentVariables())
                .contains(
                        "DRIFTWATCH_ADMIN_TOKEN",
                        "DRIFTWATCH_METRICS_TOKEN",
                        "DRIFTWATCH_TRAINING_BACKEND",
                        "DRIFTWATCH_JDBC_URL")
                .doesNotContain("DRIFTWATCH_HELP", "DRIFTWATCH_VERSION")
                .hasSize(optionNames().size() + 2);
        assertThat(CliRun.of(Map.of(), "registry", "--help").out())
                .contains("--training-backend", "DRIFTWATCH_TRAINING_BACKEND");
    }

    private static List<String> optionNames() {
        return new picocli.CommandLine(new RegistryCommand())
                .getCommandSpec().options().stream()
                        .filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(OptionSpec::longestName)
                        .toList();
    }

    private void assertError(Map<String, String> env, List<String> args, String... fragments) {
        String[] all = new String[args.size() + 1];
        all[0] = "registry";
        for (int i = 0; i < args.size(); i++) {
            all[i + 1] = args.get(i);
        }
        CliRun run = CliRun.of(env, all);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Driftwatch.EXIT_USAGE);
        assertThat(run.err()).startsWith("driftwatch registry: error: ").contains(fragments);
        assertThat(run.err().strip().lines()).as("one line").hasSize(1);
        assertThat(run.out()).as("nothing started").isEmpty();
    }

    private void assertError(List<String> args, String... fragments) {
        assertError(Map.of(), args, fragments);
    }

    @Test
    void badTrainingOptionsAreRefusedBeforeAnythingStarts() throws IOException {
        String d = dir.toString();
        assertError(
                List.of("--data-dir", d, "--training-backend", "k8s"),
                "--training-backend must be none, local or kubernetes, was 'k8s'");
        assertError(
                Map.of("DRIFTWATCH_TRAINING_BACKEND", "Kubernetes"),
                List.of("--data-dir", d),
                "--training-backend (DRIFTWATCH_TRAINING_BACKEND) must be none, local or"
                        + " kubernetes, was 'Kubernetes'");
        assertError(
                List.of("--data-dir", d, "--training-backend", "kubernetes"),
                "--training-backend kubernetes needs --trainer-registry-url");
        assertError(
                List.of("--data-dir", d, "--training-namespace", "ML_Training"),
                "--training-namespace must be a Kubernetes namespace name",
                "'ML_Training'");
        assertError(
                List.of("--data-dir", d, "--training-namespace", "a".repeat(64)),
                "--training-namespace must be a Kubernetes namespace name");
        assertError(
                List.of("--data-dir", d, "--trainer-registry-url", "ftp://registry:8080"),
                "--trainer-registry-url must start with http:// or https://");
        assertError(
                Map.of("DRIFTWATCH_TRAINER_REGISTRY_URL", "http://admin:secret@registry:8080"),
                List.of("--data-dir", d),
                "--trainer-registry-url (DRIFTWATCH_TRAINER_REGISTRY_URL) must not carry"
                        + " credentials");
        assertError(
                List.of("--data-dir", d, "--trainer-registry-url", "http://"),
                "--trainer-registry-url");
        assertError(
                List.of("--data-dir", d, "--training-templates", dir.resolve("no.json").toString()),
                "--training-templates",
                "no.json: file not found");
        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "{\"fraud-train\": {\"image\": }");
        assertError(
                List.of("--data-dir", d, "--training-templates", notJson.toString()),
                "bad.json: not JSON (line 1)");
        Path list = dir.resolve("list.json");
        Files.writeString(list, "[]");
        assertError(
                List.of("--data-dir", d, "--training-templates", list.toString()),
                "must be a JSON object of templates by name");
        Path badTemplate = dir.resolve("template.json");
        Files.writeString(
                badTemplate, "{\"fraud-train\": {\"command\": [\"train\"], \"gpus\": -1}}");
        assertError(
                List.of("--data-dir", d, "--training-templates", badTemplate.toString()),
                "template 'fraud-train': ",
                "gpus");
        Path unknownField = dir.resolve("unknown.json");
        Files.writeString(unknownField, "{\"t\": {\"command\": [\"train\"], \"gpu\": 1}}");
        assertError(
                List.of("--data-dir", d, "--training-templates", unknownField.toString()),
                "template 't': ",
                "gpu");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertError(
                List.of(
                        "--data-dir",
                        d,
                        "--training-backend",
                        "local",
                        "--runs-dir",
                        file.toString()),
                "--runs-dir",
                "is a file, not a directory");
    }

    @Test
    void badValuesFromTheEnvironmentNameTheirVariable() {
        String d = dir.toString();
        assertError(
                Map.of("DRIFTWATCH_PORT", "eighty"),
                List.of("--data-dir", d),
                "--port",
                "eighty",
                "(from DRIFTWATCH_PORT)");
        assertError(
                Map.of("DRIFTWATCH_PORT", "99999"),
                List.of("--data-dir", d),
                "--port (DRIFTWATCH_PORT) must be between 0 and 65535, was 99999");
        assertError(
                Map.of("DRIFTWATCH_BOOTSTRAP_SERVERS", "nohost"),
                List.of("--data-dir", d),
                "--bootstrap-servers (DRIFTWATCH_BOOTSTRAP_SERVERS) must be a comma-separated"
                        + " list of HOST:PORT");
        assertError(
                Map.of("DRIFTWATCH_ADMIN_TOKEN", "short"),
                List.of("--data-dir", d),
                "DRIFTWATCH_ADMIN_TOKEN must be at least 16 characters");
        assertError(
                Map.of("DRIFTWATCH_METRICS_TOKEN", "short"),
                List.of("--data-dir", d),
                "DRIFTWATCH_METRICS_TOKEN must be at least 16 characters");
        assertError(
                Map.of("DRIFTWATCH_JDBC_PASSWORD", "a-database-password"),
                List.of("--data-dir", d),
                "--jdbc-password (DRIFTWATCH_JDBC_PASSWORD) need --jdbc-url");
        // an option on the command line is named alone
        CliRun run = CliRun.of(Map.of("DRIFTWATCH_PORT", "eighty"), "registry", "--port", "x");
        assertThat(run.exitCode()).isEqualTo(Driftwatch.EXIT_USAGE);
        assertThat(run.err()).contains("--port", "'x'").doesNotContain("DRIFTWATCH_PORT");
    }
}
