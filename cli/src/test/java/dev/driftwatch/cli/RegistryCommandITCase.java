package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftwatch registry} without {@code --jdbc-url}: its embedded database lives under {@code
 * --data-dir} and survives a clean stop, with the tokens and models created before it; README's
 * registry example works as written against it.
 */
class RegistryCommandITCase {
    private static final Pattern TOKEN =
            Pattern.compile("generated admin token \\(shown once, stored hashed\\): (\\S+)");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theEmbeddedDatabaseSurvivesARestart() throws Exception {
        String token;
        StringWriter first = new StringWriter();
        try (RegistryCommand.Running registry = start(first)) {
            Matcher m = TOKEN.matcher(first.toString());
            assertThat(m.find()).as(first.toString()).isTrue();
            token = m.group(1);
            String url = registry.server().url();
            assertThat(
                            send(
                                    url,
                                    token,
                                    "POST",
                                    "/api/2.0/mlflow/registered-models/create",
                                    "{\"name\": \"kept\"}"))
                    .isEqualTo(200);
            assertThat(
                            send(
                                    url,
                                    token,
                                    "POST",
                                    "/api/v1/tokens",
                                    "{\"name\": \"ci\", \"role\": \"reader\"}"))
                    .isEqualTo(201);
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

        StringWriter second = new StringWriter();
        try (RegistryCommand.Running registry = start(second)) {
            assertThat(second.toString())
                    .as("the admin token of the first start is still valid: no new one")
                    .doesNotContain("generated admin token");
            String url = registry.server().url();
            assertThat(
                            send(
                                    url,
                                    token,
                                    "GET",
                                    "/api/2.0/mlflow/registered-models/get?name=kept",
                                    null))
                    .isEqualTo(200);
            HttpResponse<String> tokens = get(url, token, "/api/v1/tokens");
            assertThat(tokens.body()).contains("\"reader\"");
        }
    }

    /**
     * README's steps: start the registry, export the admin token it printed, register a model and
     * its version, build and set that version's profile, promote it, add a route.
     */
    @Test
    void readmeRegistryExampleWorksAsWritten(@TempDir Path work) throws Exception {
        List<String> steps = DocSteps.blocks("README.md", "## Registry", "bash");
        assertThat(steps.get(0).strip()).isEqualTo("bin/driftwatch registry --port 8080");
        StringWriter out = new StringWriter();
        try (RegistryCommand.Running registry = start(out)) {
            Matcher token = TOKEN.matcher(out.toString());
            assertThat(token.find()).as(out.toString()).isTrue();
            Files.createSymbolicLink(work.resolve("examples"), DocSteps.ROOT.resolve("examples"));
            String script =
                    steps.get(1)
                            .replace("<the admin token the registry printed>", token.group(1))
                            .replace("localhost:8080", "localhost:" + registry.server().port())
                            .replace("/tmp/", work + "/");
            DocSteps.run(script, work, Map.of());

            String url = registry.server().url();
            HttpResponse<String> alias =
                    get(
                            url,
                            token.group(1),
                            "/api/2.0/mlflow/registered-models/alias?name=fraud&alias=champion");
            assertThat(JSON.readTree(alias.body()).path("model_version").path("version").asText())
                    .isEqualTo("1");
            HttpResponse<String> profile =
                    get(url, token.group(1), "/api/v1/models/fraud/versions/1/reference-profile");
            assertThat(profile.statusCode()).isEqualTo(200);
            JsonNode p = JSON.readTree(profile.body());
            assertThat(p.path("model_name").asText()).isEqualTo("fraud");
            assertThat(p.path("model_version").asText()).isEqualTo("1");
            assertThat(p.path("features").has("amount")).isTrue();
            assertThat(get(url, token.group(1), "/api/v1/routes").body()).contains("\"pager\"");
        }
    }

    private RegistryCommand.Running start(StringWriter out) {
        RegistryCommand command =
                (RegistryCommand)
                        Driftwatch.commandLine()
                                .parseArgs(
                                        "registry",
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--port",
                                        "0",
                                        "--host",
                                        "127.0.0.1")
                                .subcommand()
                                .commandSpec()
                                .userObject();
        command.validate();
        return command.start(new PrintWriter(out, true));
    }

    private int send(String url, String token, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url + path))
                        .header("Authorization", "Bearer " + token)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> get(String url, String token, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
