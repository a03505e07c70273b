package dev.driftwatch.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.launcher.KubernetesJobBackend;
import dev.driftwatch.launcher.LaunchException;
import dev.driftwatch.launcher.LocalProcessBackend;
import dev.driftwatch.launcher.TrainingBackend;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.registry.retrain.TrainingTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The {@code registry} options that choose where retraining runs execute: no backend, local
 * processes, or a Kubernetes Job per run in one namespace; the URL trainers report to; the training
 * templates of the configuration.
 *
 * <pre>
 * registry --training-backend kubernetes --training-namespace driftwatch-training \
 *     --trainer-registry-url http://driftwatch-registry.driftwatch.svc:8080
 * </pre>
 */
final class TrainingOptions {
    static final String NONE = "none";
    static final String LOCAL = "local";
    static final String KUBERNETES = "kubernetes";

    /** A Kubernetes namespace name (an RFC 1123 label). */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Option(
            names = "--training-backend",
            defaultValue = NONE,
            paramLabel = "none|local|kubernetes",
            description =
                    "Where retraining runs execute: none (runs triggered by alerts are recorded and"
                            + " wait; a run requested by hand is refused), local (a process per"
                            + " run on this machine) or kubernetes (a Job per run)"
                            + " (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--training-namespace",
            defaultValue = "driftwatch-training",
            paramLabel = "NAMESPACE",
            description =
                    "Namespace the kubernetes backend creates Jobs and their token Secrets in"
                            + " (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(
            names = "--trainer-registry-url",
            paramLabel = "URL",
            description =
                    "The registry's URL as trainers reach it (kubernetes: required, e.g. the"
                            + " Service's http://driftwatch-registry.driftwatch.svc:8080; local:"
                            + " default the URL the registry listens on).")
    String trainerRegistryUrl;

    @Option(
            names = "--training-templates",
            paramLabel = "FILE",
            description =
                    "A JSON object of training templates by name (as examples/"
                            + "training-templates.json); they cannot be changed through the API.")
    Path templatesFile;

    @Option(
            names = "--runs-dir",
            paramLabel = "DIR",
            description = "Where the local backend writes run logs (default: --data-dir/runs).")
    Path runsDir;

    /** The kubernetes backend's client, closed by {@link #close}. */
    private KubernetesClient client;

    /** The templates read from {@link #templatesFile}; set by {@link #validate}. */
    private List<TrainingTemplate> templates = List.of();

    /**
     * Checks the options and reads the templates file; {@code named} gives an option's name for a
     * message (with the environment variable its value came from).
     */
    void validate(UnaryOperator<String> named) {
        if (!List.of(NONE, LOCAL, KUBERNETES).contains(backend)) {
            throw new InputException(
                    named.apply("--training-backend")
                            + " must be none, local or kubernetes, was '"
                            + backend
                            + "'");
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new InputException(
                    named.apply("--training-namespace")
                            + " must be a Kubernetes namespace name (lower-case letters, digits"
                            + " and '-', at most 63), was '"
                            + namespace
                            + "'");
        }
        if (trainerRegistryUrl != null) {
            requireHttpUrl(named.apply("--trainer-registry-url"), trainerRegistryUrl);
        } else if (backend.equals(KUBERNETES)) {
            throw new InputException(
                    "--training-backend kubernetes needs "
                            + named.apply("--trainer-registry-url")
                            + ": the URL trainer pods reach the registry at (e.g."
                            + " http://driftwatch-registry.driftwatch.svc:8080)");
        }
        if (runsDir != null) {
            Options.requireDirectory(named.apply("--runs-dir"), runsDir);
        }
        if (templatesFile != null) {
            templates = readTemplates(named.apply("--training-templates"), templatesFile);
        }
    }

    /** An http or https URL with a host, no user information, query or fragment. */
    private static void requireHttpUrl(String option, String value) {
        String problem = null;
        try {
            URI u = new URI(value);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                problem = "must start with http:// or https://";
            } else if (u.getHost() == null) {
                problem = "has no host";
            } else if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null) {
                problem = "must not carry credentials, a query or a fragment";
            }
        } catch (URISyntaxException e) {
            problem = "is not a URL (" + e.getReason() + ")";
        }
        if (problem != null) {
            throw new InputException(option + " " + problem + ", was '" + value + "'");
        }
    }

    /** A JSON object whose fields are templates by name, each checked as the API checks it. */
    static List<TrainingTemplate> readTemplates(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(option + " " + file + ": file not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new InputException(
                    option
                            + " "
                            + file
                            + ": not JSON (line "
                            + e.getLocation().getLineNr()
                            + "): "
                            + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException(option + " " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InputException(
                    option + " " + file + ": must be a JSON object of templates by name");
        }
        List<TrainingTemplate> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                out.add(TrainingTemplate.parse(e.getKey(), e.getValue()));
            } catch (RegistryException bad) {
                throw new InputException(
                        option
                                + " "
                                + file
                                + ": template '"
                                + e.getKey()
                                + "': "
                                + bad.getMessage());
            }
        }
        return out;
    }

    /** A one-line description for the startup output; names no secret. */
    String describe() {
        String templatesText =
                templatesFile == null
                        ? ""
                        : ", " + templates.size() + " templates from " + templatesFile;
        return switch (backend) {
            case LOCAL -> "local processes (logs in " + runsDir + ")" + templatesText;
            case KUBERNETES ->
                    "Kubernetes Jobs in namespace "
                            + namespace
                            + ", trainers report to "
                            + trainerRegistryUrl
                            + templatesText;
            default ->
                    "none (runs triggered by alerts wait; start with --training-backend local or"
                            + " kubernetes to run them)"
                            + templatesText;
        };
    }

    /**
     * The retraining settings; starts the backend (kubernetes: a client configured the standard
     * way, in a pod from its service account, elsewhere from KUBECONFIG or ~/.kube/config).
     */
    RetrainSettings settings(Path dataDir) {
        if (runsDir == null) {
            runsDir = dataDir.resolve("runs");
        }
        RetrainSettings s =
                switch (backend) {
                    case LOCAL -> RetrainSettings.with(localBackend());
                    case KUBERNETES -> RetrainSettings.with(kubernetesBackend());
                    default -> RetrainSettings.disabled();
                };
        if (trainerRegistryUrl != null) {
            s = s.withTrainerRegistryUrl(trainerRegistryUrl);
        }
        return s.withTemplates(templates);
    }

    private TrainingBackend localBackend() {
        try {
            return new LocalProcessBackend(runsDir);
        } catch (LaunchException e) {
            throw new InputException("--runs-dir: " + e.getMessage());
        }
    }

    private TrainingBackend kubernetesBackend() {
        client = new KubernetesClientBuilder().build();
        try {
            return new KubernetesJobBackend(client, namespace);
        } catch (KubernetesClientException e) {
            String at = client.getMasterUrl().toString();
            close();
            throw new InputException(
                    "--training-backend kubernetes: cannot watch Jobs in namespace "
                            + namespace
                            + " at "
                            + at
                            + ": "
                            + (e.getCode() == 403
                                    ? "forbidden (does the service account have the Role of"
                                            + " deploy/base/registry-rbac.yaml?) "
                                    : "")
                            + e.getMessage());
        }
    }

    /** Closes the Kubernetes client, if one was made; after the registry stopped. */
    void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
