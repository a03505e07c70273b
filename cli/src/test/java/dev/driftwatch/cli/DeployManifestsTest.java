package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.launcher.TrainingJobs;
import dev.driftwatch.registry.RegistryConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Parses every manifest under {@code deploy/} (and the Grafana dashboard, and the SQL of
 * docs/sql-cookbook.md) and checks them against the code: kinds and required fields, the jobs'
 * entry classes and {@code --flags}, Flink 2.x configuration keys, the registry's port, probes and
 * options, image names, the training Job shape, and every table and column the SQL names.
 */
class DeployManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The command line's jar (the registry image runs it). */
    private static final String CLI_JAR = "cli/target/driftwatch.jar";

    /** The thin job jar (Flink at provided scope) that the jobs image holds. */
    private static final String JOB_JAR = "jobs-jar/target/driftwatch-jobs.jar";

    /** Keys of Flink 1.x that Flink 2.x removed or renamed (the 2.x name in the comment). */
    private static final Set<String> FLINK_1_KEYS =
            Set.of(
                    "state.backend", // state.backend.type
                    "state.backend.incremental", // execution.checkpointing.incremental
                    "state.checkpoints.dir", // execution.checkpointing.dir
                    "state.savepoints.dir", // execution.checkpointing.savepoint-dir
                    "state.checkpoints.num-retained", // execution.checkpointing.num-retained
                    "state.checkpoint-storage", // execution.checkpointing.storage
                    "state.backend.local-recovery", // execution.state-recovery.from-local
                    "execution.checkpointing.checkpoints-after-tasks-finish.enabled", // always on
                    "high-availability", // high-availability.type
                    "restart-strategy", // restart-strategy.type
                    "env.java.opts", // env.java.opts.all
                    "jobmanager.heap.size", // jobmanager.memory.heap.size
                    "taskmanager.heap.size"); // taskmanager.memory.task.heap.size

    /** What a FlinkDeployment of a Driftwatch job must set, and to what (null: any value). */
    private static final Map<String, String> REQUIRED_FLINK_KEYS = new LinkedHashMap<>();

    static {
        REQUIRED_FLINK_KEYS.put("state.backend.type", "rocksdb");
        REQUIRED_FLINK_KEYS.put("execution.checkpointing.incremental", "true");
        REQUIRED_FLINK_KEYS.put("execution.checkpointing.dir", null);
        REQUIRED_FLINK_KEYS.put("execution.checkpointing.savepoint-dir", null);
        REQUIRED_FLINK_KEYS.put("execution.checkpointing.interval", null);
        REQUIRED_FLINK_KEYS.put("high-availability.type", "kubernetes");
        REQUIRED_FLINK_KEYS.put("high-availability.storageDir", null);
        // the web UI shows the jobs only: no jar upload, submission or cancellation through it
        REQUIRED_FLINK_KEYS.put("web.submit.enable", "false");
        REQUIRED_FLINK_KEYS.put("web.cancel.enable", "false");
        // reached with kubectl port-forward, never exposed outside the cluster
        REQUIRED_FLINK_KEYS.put("kubernetes.rest-service.exposed.type", "ClusterIP");
    }

    private static Path root;
    private static Path deploy;

    /** Every document of every manifest file, with the file it came from. */
    private static final List<Doc> docs = new ArrayList<>();

    /** Files that kustomizations use as patches (partial documents). */
    private static final Set<Path> patchFiles = new HashSet<>();

    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        boolean isPatch() {
            return patchFiles.contains(file);
        }

        @Override
        public String toString() {
            return root.relativize(file) + " " + kind() + "/" + name();
        }
    }

    @BeforeAll
    static void load() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("a deploy/ directory above the working directory").isNotNull();
        root = dir;
        deploy = dir.resolve("deploy");
        Set<Path> notManifests = new HashSet<>();
        for (Path k : kustomizations()) {
            JsonNode kust = YAML.readTree(k.toFile());
            notManifests.add(k);
            for (JsonNode c : kust.path("configurations")) {
                notManifests.add(k.resolveSibling(c.asText()).normalize());
            }
            for (JsonNode p : kust.path("patches")) {
                if (p.has("path")) {
                    patchFiles.add(k.resolveSibling(p.path("path").asText()).normalize());
                }
            }
        }
        for (Path f : yamlFiles()) {
            if (notManifests.contains(f)) {
                continue;
            }
            try (var parser = new YAMLFactory().createParser(f.toFile())) {
                for (JsonNode n : YAML.readValues(parser, JsonNode.class).readAll()) {
                    if (n != null && !n.isNull() && !n.isEmpty()) {
                        docs.add(new Doc(f, n));
                    }
                }
            }
        }
    }

    // ---- structure ----

    @Test
    void everyDocumentHasApiVersionKindAndName() {
        assertThat(docs).hasSizeGreaterThan(10);
        for (Doc d : docs) {
            assertThat(d.node.path("apiVersion").asText()).as(d + ": apiVersion").isNotBlank();
            assertThat(d.kind()).as(d + ": kind").isNotBlank();
            assertThat(d.name()).as(d + ": metadata.name").isNotBlank();
        }
    }

    @Test
    void theExpectedKindsArePresent() {
        Map<String, Long> byKind =
                docs.stream()
                        .filter(d -> !d.isPatch())
                        .collect(Collectors.groupingBy(Doc::kind, Collectors.counting()));
        assertThat(byKind)
                .containsEntry("FlinkDeployment", 2L)
                .containsKeys(
                        "Namespace",
                        "Deployment",
                        "Service",
                        "ConfigMap",
                        "Secret",
                        "ServiceAccount",
                        "Role",
                        "RoleBinding",
                        "Job",
                        "ResourceFlavor",
                        "ClusterQueue",
                        "LocalQueue");
    }

    @Test
    void kustomizationsNameExistingFilesAndTheBaseListsEveryManifest() throws IOException {
        for (Path k : kustomizations()) {
            JsonNode kust = YAML.readTree(k.toFile());
            assertThat(kust.path("kind").asText()).as(k.toString()).isEqualTo("Kustomization");
            for (String field : List.of("resources", "configurations")) {
                for (JsonNode r : kust.path(field)) {
                    assertThat(k.resolveSibling(r.asText())).as(k + " " + field + " " + r).exists();
                }
            }
            for (Path p : patchFiles) {
                assertThat(p).exists();
            }
        }
        Path base = deploy.resolve("base");
        JsonNode kust = YAML.readTree(base.resolve("kustomization.yaml").toFile());
        Set<Path> listed = new HashSet<>();
        kust.path("resources").forEach(r -> listed.add(base.resolve(r.asText()).normalize()));
        for (Doc d : docs) {
            if (d.file.startsWith(base)) {
                assertThat(listed).as(d + " is not in base/kustomization.yaml").contains(d.file);
            }
        }
        // every patch targets a resource of the base
        Set<String> baseIds =
                docs.stream()
                        .filter(d -> d.file.startsWith(base))
                        .map(d -> d.kind() + "/" + d.name())
                        .collect(Collectors.toSet());
        for (Doc d : docs) {
            if (d.isPatch()) {
                assertThat(baseIds).as(d + " patches nothing").contains(d.kind() + "/" + d.name());
            }
        }
    }

    // ---- Flink jobs ----

    @Test
    void flinkDeploymentsRunTheRealEntryClassesWithRealFlags() throws Exception {
        String jarPath = copiedJarPath("Dockerfile.jobs", JOB_JAR);
        Set<String> entryClasses = new TreeSet<>();
        Set<String> knownFlags =
                JobArguments.allOptions().stream()
                        .map(JobArguments::flag)
                        .collect(Collectors.toSet());
        for (Doc d : kind("FlinkDeployment")) {
            if (d.isPatch()) {
                continue;
            }
            JsonNode spec = d.node.path("spec");
            assertThat(d.node.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(spec.path("flinkVersion").asText())
                    .as(d + " flinkVersion")
                    .isEqualTo("v2_2");
            JsonNode job = spec.path("job");
            assertThat(job.path("jarURI").asText())
                    .as(d + " jarURI")
                    .isEqualTo("local://" + jarPath);
            assertThat(job.path("upgradeMode").asText()).as(d.toString()).isEqualTo("last-state");

            String entry = job.path("entryClass").asText();
            entryClasses.add(entry);
            Method main = Class.forName(entry).getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers())).as(entry + ".main").isTrue();

            List<String> args = new ArrayList<>();
            job.path("args").forEach(a -> args.add(a.asText()));
            for (String a : args) {
                if (a.startsWith("--")) {
                    assertThat(knownFlags).as(d + ": " + a + " is not a job option").contains(a);
                }
            }
            // the job's own parser accepts them (values included)
            Configuration parsed = JobArguments.parse(args);

            JsonNode conf = spec.path("flinkConfiguration");
            REQUIRED_FLINK_KEYS.forEach(
                    (key, value) -> {
                        assertThat(conf.has(key)).as(d + " sets " + key).isTrue();
                        if (value != null) {
                            assertThat(conf.path(key).asText()).as(d + " " + key).isEqualTo(value);
                        }
                    });
            // the job calls enableCheckpointing(--checkpoint-interval): keep both the same
            Duration interval =
                    TimeUtils.parseDuration(conf.path("execution.checkpointing.interval").asText());
            assertThat(interval)
                    .as(d + ": execution.checkpointing.interval vs --checkpoint-interval")
                    .isEqualTo(parsed.get(SharedJobOptions.CHECKPOINT_INTERVAL));
            assertThat(spec.path("jobManager").path("resource").path("memory").asText())
                    .isNotBlank();
            assertThat(spec.path("taskManager").path("resource").path("memory").asText())
                    .isNotBlank();
        }
        assertThat(entryClasses)
                .containsExactly(
                        "dev.driftwatch.jobs.DriftJobMain",
                        "dev.driftwatch.jobs.PerformanceJobMain");
    }

    @Test
    void flinkConfigurationUsesNoFlink1Keys() {
        for (Doc d : kind("FlinkDeployment")) {
            d.node.path("spec")
                    .path("flinkConfiguration")
                    .fieldNames()
                    .forEachRemaining(
                            key ->
                                    assertThat(FLINK_1_KEYS)
                                            .as(d + ": " + key + " is a Flink 1.x key")
                                            .doesNotContain(key));
        }
    }

    @Test
    void theJobsImageIsFlink22WithTheJarWhereFlinkDeploymentsLookForIt() throws IOException {
        String dockerfile = Files.readString(deploy.resolve("docker/Dockerfile.jobs"));
        Matcher from = Pattern.compile("(?m)^FROM\\s+flink:(\\S+)").matcher(dockerfile);
        assertThat(from.find()).as("Dockerfile.jobs FROM flink:...").isTrue();
        assertThat(from.group(1)).startsWith("2.2");
        assertThat(copiedJarPath("Dockerfile.jobs", JOB_JAR))
                .as("the thin job jar, not the command line's jar")
                .isEqualTo("/opt/driftwatch/driftwatch-jobs.jar");
    }

    // ---- registry ----

    @Test
    void theRegistryListensOn8080WithProbesOnHealthAndRealOptions() throws IOException {
        assertThat(RegistryConfig.defaults().port()).isEqualTo(8080);
        Set<String> registryOptions = registryOptionNames();
        Doc deployment = single("Deployment", "driftwatch-registry");
        JsonNode pod = deployment.node.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);

        Map<String, Integer> ports = new HashMap<>();
        container
                .path("ports")
                .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsValue(8080);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo("/health");
            assertThat(portNumber(get.path("port"), ports)).as(probe + " port").isEqualTo(8080);
        }

        // args, if any: the registry subcommand's options; $(VAR) defined by env or envFrom
        Set<String> envNames = deploymentEnvironment(container).keySet();
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        for (String a : args) {
            if (a.startsWith("--")) {
                assertThat(registryOptions).as("registry option " + a).contains(a);
            }
            Matcher ref = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)").matcher(a);
            while (ref.find()) {
                assertThat(envNames)
                        .as("$(" + ref.group(1) + ") is defined")
                        .contains(ref.group(1));
            }
        }
        assertThat(envNames)
                .contains(
                        "DRIFTWATCH_ADMIN_TOKEN",
                        "DRIFTWATCH_JDBC_PASSWORD",
                        "DRIFTWATCH_JDBC_URL",
                        "DRIFTWATCH_BOOTSTRAP_SERVERS");

        // secret references name keys of the Secret
        for (JsonNode e : container.path("env")) {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                JsonNode data = single("Secret", ref.path("name").asText()).node;
                assertThat(
                                data.path("stringData").has(ref.path("key").asText())
                                        || data.path("data").has(ref.path("key").asText()))
                        .as("Secret key " + ref)
                        .isTrue();
            }
        }

        // the Service reaches the pod's 8080
        JsonNode service = single("Service", "driftwatch-registry").node.path("spec");
        JsonNode labels = pod.path("metadata").path("labels");
        service.path("selector")
                .fields()
                .forEachRemaining(
                        s ->
                                assertThat(labels.path(s.getKey()).asText())
                                        .as("selector " + s.getKey())
                                        .isEqualTo(s.getValue().asText()));
        assertThat(portNumber(service.path("ports").get(0).path("targetPort"), ports))
                .isEqualTo(8080);
        assertThat(service.path("ports").get(0).path("port").asInt()).isEqualTo(8080);

        // the image runs the registry subcommand of the jar, with real options
        String dockerfile = Files.readString(deploy.resolve("docker/Dockerfile.registry"));
        assertThat(dockerfile)
                .containsPattern("(?m)^FROM\\s+eclipse-temurin:17-jre")
                .contains(
                        "ENTRYPOINT [\"java\", \"-jar\", \"/opt/driftwatch/driftwatch.jar\","
                                + " \"registry\"]")
                .containsPattern("(?m)^EXPOSE 8080$");
        assertThat(copiedJarPath("Dockerfile.registry", CLI_JAR))
                .isEqualTo("/opt/driftwatch/driftwatch.jar");
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]").matcher(dockerfile);
        assertThat(cmd.find()).isTrue();
        for (String part : cmd.group(1).split(",")) {
            String a = part.strip().replace("\"", "");
            if (a.startsWith("--")) {
                assertThat(registryOptions).as("CMD option " + a).contains(a);
            }
        }
    }

    @Test
    void theRegistryMayRunJobsInTheTrainingNamespace() {
        Doc deployment = single("Deployment", "driftwatch-registry");
        String account = deployment.node.at("/spec/template/spec/serviceAccountName").asText();
        String namespace = deployment.node.at("/metadata/namespace").asText();
        assertThat(single("ServiceAccount", account).node.at("/metadata/namespace").asText())
                .isEqualTo(namespace);

        Doc binding =
                kind("RoleBinding").stream()
                        .filter(
                                b -> {
                                    for (JsonNode s : b.node.path("subjects")) {
                                        if (s.path("kind").asText().equals("ServiceAccount")
                                                && s.path("name").asText().equals(account)
                                                && s.path("namespace").asText().equals(namespace)) {
                                            return true;
                                        }
                                    }
                                    return false;
                                })
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no RoleBinding for " + account));
        String trainingNs = binding.node.at("/metadata/namespace").asText();
        assertThat(trainingNs).isEqualTo("driftwatch-training");
        Doc role = single("Role", binding.node.at("/roleRef/name").asText());
        assertThat(role.node.at("/metadata/namespace").asText()).isEqualTo(trainingNs);

        // the backend works where the registry is told to, and nowhere else
        Map<String, String> env =
                deploymentEnvironment(deployment.node.at("/spec/template/spec/containers/0"));
        assertThat(env.get("DRIFTWATCH_TRAINING_BACKEND")).isEqualTo("kubernetes");
        assertThat(env.get("DRIFTWATCH_TRAINING_NAMESPACE")).isEqualTo(trainingNs);
        assertThat(kind("ClusterRoleBinding")).as("nothing cluster-wide").isEmpty();
        assertThat(kind("ClusterRole")).as("nothing cluster-wide").isEmpty();
        assertThat(kind("RoleBinding")).as("one binding of the registry's account").hasSize(1);
    }

    /**
     * The calls KubernetesJobBackend makes through fabric8, as (API group, resource) and verb, read
     * from its code paths: {@code launch} gets the Job ({@code jobs().withName(name).get()}),
     * creates it ({@code resource(job).create()}), gets and creates the run's token Secret; the
     * informer lists and watches the labelled Jobs; {@code status} gets a Job the informer has not
     * seen yet; a failed run's log tail lists the Job's pods ({@code pods().withLabel().list()})
     * and GETs {@code pods/NAME/log} ({@code client.raw}); {@code cancel} deletes the Job and the
     * Secret.
     */
    static final Map<String, Set<String>> KUBERNETES_BACKEND_CALLS =
            Map.of(
                    "batch/jobs", Set.of("create", "get", "list", "watch", "delete"),
                    "/secrets", Set.of("create", "get", "delete"),
                    "/pods", Set.of("list"),
                    "/pods/log", Set.of("get"));

    @Test
    void theRegistrysRoleGrantsExactlyWhatTheKubernetesBackendCalls() {
        Doc role = single("Role", "driftwatch-training-jobs");
        Map<String, Set<String>> granted = new HashMap<>();
        for (JsonNode rule : role.node.path("rules")) {
            assertThat(rule.has("resourceNames") || rule.has("nonResourceURLs"))
                    .as("plain rules only: " + rule)
                    .isFalse();
            for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                    Set<String> verbs =
                            granted.computeIfAbsent(
                                    g.asText() + "/" + r.asText(), k -> new TreeSet<>());
                    rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                }
            }
        }
        assertThat(granted).isEqualTo(KUBERNETES_BACKEND_CALLS);
    }

    /**
     * Run with the Deployment's environment (ConfigMap, Secret, the templates ConfigMap where it is
     * mounted) and the image's CMD, the registry command accepts its configuration, and its
     * trainers reach it through its Service.
     */
    @Test
    void theRegistryCommandAcceptsTheDeploymentsConfiguration(@TempDir Path tmp)
            throws IOException {
        Doc deployment = single("Deployment", "driftwatch-registry");
        JsonNode pod = deployment.node.at("/spec/template/spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> env = new HashMap<>(deploymentEnvironment(container));
        assertThat(RegistryCommand.environmentVariables())
                .as("every variable the Deployment sets is one the registry reads")
                .containsAll(env.keySet());

        // the files the pod mounts from ConfigMaps, written where the environment names them
        Map<String, String> mounted = new HashMap<>();
        for (JsonNode m : container.path("volumeMounts")) {
            for (JsonNode v : pod.path("volumes")) {
                if (v.path("name").asText().equals(m.path("name").asText())) {
                    JsonNode data =
                            single("ConfigMap", v.at("/configMap/name").asText()).node.path("data");
                    data.fields()
                            .forEachRemaining(
                                    f ->
                                            mounted.put(
                                                    m.path("mountPath").asText() + "/" + f.getKey(),
                                                    f.getValue().asText()));
                }
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue().startsWith("/")) {
                assertThat(mounted)
                        .as(e.getKey() + " names a mounted file")
                        .containsKey(e.getValue());
                Path file = tmp.resolve(e.getKey());
                Files.writeString(file, mounted.get(e.getValue()));
                e.setValue(file.toString());
            }
        }
        List<String> args = new ArrayList<>(List.of("registry"));
        Matcher cmd =
                Pattern.compile("(?m)^CMD \\[(.*)]")
                        .matcher(Files.readString(deploy.resolve("docker/Dockerfile.registry")));
        assertThat(cmd.find()).isTrue();
        for (String part : cmd.group(1).split(",")) {
            args.add(part.strip().replace("\"", ""));
        }
        container.path("args").forEach(a -> args.add(a.asText()));
        RegistryCommand command =
                (RegistryCommand)
                        Driftwatch.commandLine(env)
                                .parseArgs(args.toArray(String[]::new))
                                .subcommand()
                                .commandSpec()
                                .userObject();
        assertThatCode(command::validate).doesNotThrowAnyException();
        assertThat(command.port).isEqualTo(8080);
        assertThat(command.host).isEqualTo("0.0.0.0");
        assertThat(command.jdbcPassword).as("from the Secret").isNotNull();
        assertThat(command.training.backend).isEqualTo("kubernetes");

        // trainers in the training namespace reach the registry through its Service
        java.net.URI trainerUrl = java.net.URI.create(command.training.trainerRegistryUrl);
        JsonNode service = single("Service", "driftwatch-registry").node;
        assertThat(trainerUrl.getHost())
                .isEqualTo(
                        service.at("/metadata/name").asText()
                                + "."
                                + service.at("/metadata/namespace").asText()
                                + ".svc");
        assertThat(trainerUrl.getPort()).isEqualTo(service.at("/spec/ports/0/port").asInt());
    }

    /**
     * Every training templates file in a ConfigMap, the base's and the overlays' patches, is read
     * by the registry without error; the example overlay pins examples/training-templates.json.
     */
    @Test
    void pinnedTrainingTemplatesAreValid(@TempDir Path tmp) throws IOException {
        int checked = 0;
        for (Doc d : kind("ConfigMap")) {
            JsonNode file = d.node.path("data").path("training-templates.json");
            if (file.isMissingNode()) {
                continue;
            }
            Path f = tmp.resolve("templates-" + checked++ + ".json");
            Files.writeString(f, file.asText());
            assertThatCode(() -> TrainingOptions.readTemplates(d.toString(), f))
                    .as(d.toString())
                    .doesNotThrowAnyException();
            if (d.isPatch()) {
                assertThat(JSON.readTree(file.asText()))
                        .as(d + " pins the example templates")
                        .isEqualTo(
                                JSON.readTree(
                                        root.resolve("examples/training-templates.json").toFile()));
            }
        }
        assertThat(checked).as("the base's and the example overlay's").isEqualTo(2);
    }

    /**
     * The container's environment: ConfigMaps it takes whole, its own variables (a Secret key's
     * value for a secretKeyRef; empty values count as unset, as the registry reads them).
     */
    private static Map<String, String> deploymentEnvironment(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText();
            single("ConfigMap", cm)
                    .node
                    .path("data")
                    .fields()
                    .forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        }
        for (JsonNode e : container.path("env")) {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            String value = e.path("value").asText();
            if (!ref.isMissingNode()) {
                JsonNode secret = single("Secret", ref.path("name").asText()).node;
                value = secret.path("stringData").path(ref.path("key").asText()).asText();
            }
            env.put(e.path("name").asText(), value);
        }
        return env;
    }

    // ---- images ----

    @Test
    void imagesAreTheOnesTheDockerfilesAndKustomizationDefine() throws IOException {
        Set<String> built = new TreeSet<>();
        try (Stream<Path> files = Files.list(deploy.resolve("docker"))) {
            for (Path f :
                    files.filter(p -> p.getFileName().toString().startsWith("Dockerfile"))
                            .toList()) {
                Matcher m =
                        Pattern.compile("dev\\.driftwatch\\.image=\"([^\"]+)\"")
                                .matcher(Files.readString(f));
                assertThat(m.find()).as(f + " has a dev.driftwatch.image label").isTrue();
                built.add(m.group(1));
            }
        }
        assertThat(built).containsExactly("driftwatch/jobs", "driftwatch/registry");

        Set<String> baseImages = kustomizationImageNames(deploy.resolve("base/kustomization.yaml"));
        assertThat(baseImages).isEqualTo(built);
        for (Path k : kustomizations()) {
            assertThat(baseImages).containsAll(kustomizationImageNames(k));
        }

        Path base = deploy.resolve("base");
        for (Doc d : docs) {
            if (!d.file.startsWith(base)) {
                continue;
            }
            for (String image : images(d.node)) {
                assertThat(baseImages).as(d + " uses image " + image).contains(image);
            }
        }
        assertThat(images(single("FlinkDeployment", "driftwatch-drift-job").node))
                .containsExactly("driftwatch/jobs");
        assertThat(images(single("Deployment", "driftwatch-registry").node))
                .containsExactly("driftwatch/registry");
    }

    // ---- training Jobs ----

    @Test
    void trainingJobsAskForGpusAndFailFastLikeTheKubernetesBackend() {
        List<Doc> jobs = kind("Job");
        assertThat(jobs).isNotEmpty();
        Set<String> localQueues =
                kind("LocalQueue").stream()
                        .map(d -> d.node.at("/metadata/namespace").asText() + "/" + d.name())
                        .collect(Collectors.toSet());
        for (Doc d : jobs) {
            JsonNode meta = d.node.path("metadata");
            JsonNode spec = d.node.path("spec");
            JsonNode pod = spec.path("template").path("spec");
            String runId = meta.path("annotations").path(TrainingJobs.RUN_ID_ANNOTATION).asText();
            assertThat(d.name()).isEqualTo(TrainingJobs.jobName(runId));
            assertThat(meta.path("labels").path(TrainingJobs.MANAGED_BY_LABEL).asText())
                    .isEqualTo(TrainingJobs.MANAGED_BY);
            assertThat(pod.path("restartPolicy").asText()).as(d.toString()).isEqualTo("Never");

            JsonNode trainer = null;
            for (JsonNode c : pod.path("containers")) {
                assertThat(c.at("/resources/limits").has(TrainingJobs.GPU_RESOURCE))
                        .as(d + " container " + c.path("name").asText() + " GPU limit")
                        .isTrue();
                if (c.path("name").asText().equals(TrainingJobs.CONTAINER_NAME)) {
                    trainer = c;
                }
            }
            assertThat(trainer).as(d + " has container " + TrainingJobs.CONTAINER_NAME).isNotNull();
            boolean tolerates = false;
            for (JsonNode t : pod.path("tolerations")) {
                tolerates |= t.path("key").asText().equals(TrainingJobs.GPU_RESOURCE);
            }
            assertThat(tolerates).as(d + " tolerates GPU nodes").isTrue();

            JsonNode failJob = spec.at("/podFailurePolicy/rules/0");
            assertThat(failJob.path("action").asText()).isEqualTo("FailJob");
            assertThat(failJob.at("/onExitCodes/containerName").asText())
                    .isEqualTo(TrainingJobs.CONTAINER_NAME);
            assertThat(failJob.at("/onExitCodes/values/0").asInt())
                    .isEqualTo(RunSpec.NON_RETRYABLE_EXIT_CODE);
            assertThat(spec.at("/podFailurePolicy/rules/1/onPodConditions/0/type").asText())
                    .isEqualTo("DisruptionTarget");

            String queue = meta.path("labels").path(TrainingJobs.KUEUE_QUEUE_LABEL).asText();
            if (!queue.isEmpty()) {
                assertThat(spec.path("suspend").asBoolean())
                        .as(d + " suspended for Kueue")
                        .isTrue();
                assertThat(localQueues).contains(meta.path("namespace").asText() + "/" + queue);
            }
            Set<String> env = new HashSet<>();
            trainer.path("env").forEach(e -> env.add(e.path("name").asText()));
            assertThat(env)
                    .contains(
                            TrainerVariable.RUN_ID.envName(),
                            TrainerVariable.MODEL_NAME.envName(),
                            TrainerVariable.REGISTRY_URL.envName(),
                            TrainerVariable.REGISTRY_TOKEN.envName());
        }
    }

    // ---- SQL over the real tables ----

    @Test
    void dashboardQueriesNameOnlyExistingTablesAndColumns() throws IOException {
        Map<String, Set<String>> schema = schema();
        JsonNode dash = JSON.readTree(deploy.resolve("grafana/driftwatch-dashboard.json").toFile());
        assertThat(dash.at("/__inputs/0/name").asText()).isEqualTo("DS_POSTGRES");
        assertThat(dash.at("/__inputs/0/pluginId").asText())
                .isEqualTo("grafana-postgresql-datasource");

        List<String> sql = new ArrayList<>();
        Set<String> tablesUsed = new TreeSet<>();
        for (JsonNode panel : dash.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.at("/datasource/type").asText())
                    .as(panel.path("title").asText())
                    .isEqualTo("grafana-postgresql-datasource");
            assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${DS_POSTGRES}");
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("rawSql").asText()).as(panel.path("title").asText()).isNotBlank();
                sql.add(t.path("rawSql").asText());
            }
        }
        for (JsonNode v : dash.at("/templating/list")) {
            sql.add(v.path("query").asText());
        }
        for (JsonNode a : dash.at("/annotations/list")) {
            sql.add(a.at("/target/rawSql").asText());
        }
        for (String q : sql) {
            tablesUsed.addAll(SqlCheck.check(q, schema));
        }
        assertThat(tablesUsed)
                .contains(
                        "drift_metrics",
                        "performance_metrics",
                        "alerts",
                        "retrain_runs",
                        "retrain_transitions");
        assertThat(String.join("\n", sql))
                .contains("metric = 'psi'", "drift_share", "labeled_count");
        // the drift job writes several window sizes: a drift panel reads one of them
        assertThat(sql)
                .filteredOn(q -> q.contains("FROM drift_metrics\nWHERE"))
                .hasSize(4)
                .allMatch(q -> q.contains("window_seconds = $resolution"));
    }

    @Test
    void cookbookAndRunbookQueriesNameOnlyExistingTablesAndColumns() throws IOException {
        Map<String, Set<String>> schema = schema();
        int checked = 0;
        for (String doc : List.of("docs/sql-cookbook.md", "docs/runbook.md")) {
            Path file = root.resolve(doc);
            if (!Files.exists(file)) {
                continue;
            }
            Matcher block =
                    Pattern.compile("(?s)```sql\\n(.*?)```").matcher(Files.readString(file));
            while (block.find()) {
                for (String statement : block.group(1).split(";")) {
                    if (!statement.replaceAll("--[^\\n]*", "").isBlank()) {
                        SqlCheck.check(statement, schema);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theSqlCheckCatchesUnknownColumnsAndTables() throws IOException {
        Map<String, Set<String>> schema = schema();
        assertThatCode(
                        () ->
                                SqlCheck.check(
                                        "SELECT d.feature, d.value FROM drift_metrics d", schema))
                .doesNotThrowAnyException();
        assertThatCode(() -> SqlCheck.check("SELECT d.psi FROM drift_metrics d", schema))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("psi");
        assertThatCode(
                        () ->
                                SqlCheck.check(
                                        "SELECT labelled_count FROM performance_metrics", schema))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("labelled_count");
        assertThatCode(() -> SqlCheck.check("SELECT id FROM retrain_run", schema))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("retrain_run");
    }

    // ---- helpers ----

    private static List<Path> kustomizations() throws IOException {
        return yamlFiles().stream()
                .filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(deploy)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .map(Path::normalize)
                    .sorted()
                    .toList();
        }
    }

    private static List<Doc> kind(String kind) {
        return docs.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    private static Doc single(String kind, String name) {
        List<Doc> found =
                docs.stream()
                        .filter(d -> !d.isPatch())
                        .filter(d -> d.kind().equals(kind) && d.name().equals(name))
                        .toList();
        assertThat(found).as(kind + "/" + name).hasSize(1);
        return found.get(0);
    }

    private static int portNumber(JsonNode port, Map<String, Integer> named) {
        return port.isInt() ? port.asInt() : named.getOrDefault(port.asText(), -1);
    }

    private static Set<String> registryOptionNames() {
        Set<String> names = new HashSet<>();
        for (OptionSpec o : new CommandLine(new RegistryCommand()).getCommandSpec().options()) {
            names.addAll(List.of(o.names()));
        }
        return names;
    }

    /** Where the Dockerfile copies a jar the build writes ({@link #CLI_JAR}, {@link #JOB_JAR}). */
    private static String copiedJarPath(String dockerfile, String jar) throws IOException {
        Matcher m =
                Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*" + Pattern.quote(jar) + "\\s+(\\S+)$")
                        .matcher(Files.readString(deploy.resolve("docker").resolve(dockerfile)));
        assertThat(m.find()).as(dockerfile + " copies " + jar).isTrue();
        return m.group(1);
    }

    private static Set<String> kustomizationImageNames(Path kustomization) throws IOException {
        Set<String> out = new TreeSet<>();
        YAML.readTree(kustomization.toFile())
                .path("images")
                .forEach(i -> out.add(i.path("name").asText()));
        return out;
    }

    /** Images a resource names: FlinkDeployment spec.image and every container's image. */
    private static List<String> images(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.path("kind").asText().equals("FlinkDeployment")) {
            out.add(node.at("/spec/image").asText());
        }
        collectContainerImages(node, out);
        return out;
    }

    private static void collectContainerImages(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> {
                                if (e.getKey().equals("containers")
                                        || e.getKey().equals("initContainers")) {
                                    e.getValue().forEach(c -> out.add(c.path("image").asText()));
                                } else {
                                    collectContainerImages(e.getValue(), out);
                                }
                            });
        } else if (node.isArray()) {
            node.forEach(n -> collectContainerImages(n, out));
        }
    }

    /** Tables and their columns, read from the Flyway migrations of the jobs and the registry. */
    static Map<String, Set<String>> schema() throws IOException {
        Map<String, Set<String>> tables = new HashMap<>();
        List<Path> migrations = new ArrayList<>();
        for (String dir :
                List.of(
                        "jobs/src/main/resources/db/jobs",
                        "registry-service/src/main/resources/db/migration")) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".sql")).sorted().forEach(migrations::add);
            }
        }
        assertThat(migrations).hasSizeGreaterThanOrEqualTo(5);
        Pattern create =
                Pattern.compile(
                        "(?is)CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s*\\((.*?)\\n\\)[^;\\n]*;");
        Pattern addColumn =
                Pattern.compile(
                        "(?i)ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(\\w+)\\s+ADD\\s+COLUMN\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)");
        Set<String> notColumns = Set.of("primary", "unique", "foreign", "constraint", "check");
        for (Path m : migrations) {
            String text = Files.readString(m).replaceAll("--[^\\n]*", "");
            Matcher c = create.matcher(text);
            while (c.find()) {
                Set<String> columns = new HashSet<>();
                for (String line : c.group(2).split("\\n")) {
                    Matcher first = Pattern.compile("^\\s*(\\w+)\\s+\\w").matcher(line);
                    if (first.find()) {
                        String name = first.group(1).toLowerCase(Locale.ROOT);
                        if (!notColumns.contains(name)) {
                            columns.add(name);
                        }
                    }
                }
                tables.put(c.group(1).toLowerCase(Locale.ROOT), columns);
            }
            Matcher a = addColumn.matcher(text);
            while (a.find()) {
                tables.computeIfAbsent(a.group(1).toLowerCase(Locale.ROOT), k -> new HashSet<>())
                        .add(a.group(2).toLowerCase(Locale.ROOT));
            }
        }
        assertThat(tables.get("drift_metrics")).contains("feature", "metric", "window_start");
        assertThat(tables.get("retrain_transitions")).contains("run_id", "to_state", "cause");
        return tables;
    }

    /**
     * A deliberately small checker for the SELECTs we ship: tables after FROM/JOIN must exist,
     * {@code alias.column} must be a column of that table, and every other bare word must be a SQL
     * keyword or function, an alias defined in the query, or a column of a table it reads.
     */
    static final class SqlCheck {
        private static final Set<String> WORDS =
                Set.of(
                        "select",
                        "from",
                        "where",
                        "and",
                        "or",
                        "not",
                        "in",
                        "is",
                        "null",
                        "as",
                        "order",
                        "by",
                        "group",
                        "limit",
                        "desc",
                        "asc",
                        "join",
                        "on",
                        "left",
                        "right",
                        "inner",
                        "outer",
                        "full",
                        "cross",
                        "distinct",
                        "union",
                        "all",
                        "count",
                        "max",
                        "min",
                        "avg",
                        "sum",
                        "filter",
                        "nullif",
                        "coalesce",
                        "round",
                        "sqrt",
                        "power",
                        "double",
                        "precision",
                        "numeric",
                        "text",
                        "bigint",
                        "integer",
                        "int",
                        "boolean",
                        "date_trunc",
                        "now",
                        "interval",
                        "case",
                        "when",
                        "then",
                        "else",
                        "end",
                        "true",
                        "false",
                        "having",
                        "with",
                        "over",
                        "partition",
                        "using",
                        "between",
                        "like",
                        "ilike",
                        "extract",
                        "epoch",
                        "jsonb",
                        "jsonb_object_keys",
                        "jsonb_each_text",
                        "timestamptz",
                        "date",
                        "current_date",
                        "row_number",
                        "rank",
                        "lag",
                        "lead",
                        "first_value",
                        "last_value",
                        "greatest",
                        "least",
                        "abs",
                        "exists",
                        "any",
                        "array_agg",
                        "string_agg",
                        "to_timestamp",
                        "age",
                        "asof",
                        "offset",
                        "rows",
                        "preceding",
                        "following",
                        "unbounded",
                        "current",
                        "row",
                        "percentile_cont",
                        "within",
                        "nulls",
                        "last",
                        "first",
                        "lower",
                        "upper",
                        "cast",
                        "float8",
                        "values",
                        "lateral",
                        "day",
                        "hour",
                        "minute",
                        "week",
                        "month");
        private static final Pattern IDENT =
                Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?");

        /** Checks {@code sql}; returns the tables it reads. */
        static Set<String> check(String sql, Map<String, Set<String>> schema) {
            String s =
                    sql.replaceAll("--[^\\n]*", " ")
                            .replaceAll("'(?:[^']|'')*'", " '' ")
                            .replaceAll("\\$__\\w+", " ")
                            .replaceAll("\\$\\{[^}]*}", " ")
                            .replaceAll("\\$\\w+", " ")
                            .replaceAll("\"", "");
            List<String> tokens = new ArrayList<>();
            Matcher m = IDENT.matcher(s);
            while (m.find()) {
                // skip numbers' exponents and the like: an identifier glued to a digit before it
                if (m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1))) {
                    continue;
                }
                tokens.add(m.group().toLowerCase(Locale.ROOT));
            }
            Map<String, String> aliases = new HashMap<>();
            Set<String> outputAliases = new HashSet<>();
            Set<String> tables = new TreeSet<>();
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if ((t.equals("from") || t.equals("join")) && i + 1 < tokens.size()) {
                    String table = tokens.get(i + 1);
                    if (!schema.containsKey(table)) {
                        // FROM a subquery or a function (e.g. jsonb_each_text) is allowed
                        if (WORDS.contains(table)) {
                            continue;
                        }
                        fail("unknown table '" + table + "' in: " + sql);
                    }
                    tables.add(table);
                    aliases.put(table, table);
                    if (i + 2 < tokens.size()) {
                        String next = tokens.get(i + 2);
                        if (next.equals("as") && i + 3 < tokens.size()) {
                            aliases.put(tokens.get(i + 3), table);
                        } else if (!WORDS.contains(next) && !next.contains(".")) {
                            aliases.put(next, table);
                        }
                    }
                }
                if (t.equals("as") && i + 1 < tokens.size()) {
                    outputAliases.add(tokens.get(i + 1));
                }
            }
            if (tables.isEmpty()) {
                fail("no table read by: " + sql);
            }
            Set<String> allColumns = new HashSet<>();
            tables.forEach(t -> allColumns.addAll(schema.get(t)));
            for (String t : tokens) {
                int dot = t.indexOf('.');
                if (dot > 0) {
                    String alias = t.substring(0, dot);
                    String column = t.substring(dot + 1);
                    String table = aliases.get(alias);
                    if (table == null) {
                        fail("unknown table alias '" + alias + "' in: " + sql);
                    }
                    if (!schema.get(table).contains(column)) {
                        fail("no column '" + column + "' in table " + table + " in: " + sql);
                    }
                } else if (!WORDS.contains(t)
                        && !aliases.containsKey(t)
                        && !outputAliases.contains(t)
                        && !allColumns.contains(t)) {
                    fail("unknown word '" + t + "' (not a column of " + tables + ") in: " + sql);
                }
            }
            return tables;
        }
    }
}
