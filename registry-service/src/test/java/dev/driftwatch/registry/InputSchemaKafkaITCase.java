package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input schemas over HTTP, and each model's schema and aliases published to a real Kafka broker
 * when the schema is set or an alias moves.
 */
class InputSchemaKafkaITCase {
    static final String ADMIN = "admin-token-for-input-schema-tests";
    static final String TOPIC = "driftwatch.input-schemas";
    static RegistryServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN)
                                .withKafka(TestKafka.bootstrapServers()),
                        TestPostgres.freshDatabase());
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String path(String model) {
        return "/api/v1/models/" + model + "/input-schema";
    }

    static InputSchemaUpdate update(String json) {
        return InputSchemaUpdate.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void settingTheSchemaAndMovingAliasesPublishesTheModelsRecord() {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"iris\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"iris\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"iris\"}");
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"iris\", \"alias\": \"champion\", \"version\": \"1\"}");
        Answer put =
                api.send(
                        "PUT",
                        path("iris"),
                        "{\"feature_names\": [\"sepal_length\", \"sepal_width\"],"
                                + " \"prediction_output\": \"probability\"}");
        assertThat(put.status()).isEqualTo(200);
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"iris\", \"alias\": \"challenger\", \"version\": \"2\"}");

        InputSchema schema = InputSchema.of(List.of("sepal_length", "sepal_width"), "probability");
        assertThat(update(put.body()))
                .isEqualTo(new InputSchemaUpdate("iris", schema, Map.of("champion", "1")));
        // other tests of this JVM publish to the same topic
        List<InputSchemaUpdate> records =
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> published("iris"), r -> r.size() >= 3);
        assertThat(records)
                .containsExactly(
                        new InputSchemaUpdate("iris", InputSchema.NONE, Map.of("champion", "1")),
                        new InputSchemaUpdate("iris", schema, Map.of("champion", "1")),
                        new InputSchemaUpdate(
                                "iris", schema, Map.of("champion", "1", "challenger", "2")));
        assertThat(update(api.get(path("iris")).body())).isEqualTo(records.get(2));
    }

    static List<InputSchemaUpdate> published(String model) {
        return TestKafka.readAll(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(model))
                .map(r -> InputSchemaUpdate.fromJson(r.value()))
                .toList();
    }

    @Test
    void badSchemasAreRefusedWithAReason() {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"churn\"}");
        Answer duplicate =
                api.send("PUT", path("churn"), "{\"feature_names\": [\"age\", \"age\"]}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().get("message").asText())
                .contains("duplicate feature name 'age'");
        Answer nul = api.send("PUT", path("churn"), "{\"feature_names\": [\"a\\u0000b\"]}");
        assertThat(nul.status()).isEqualTo(400);
        Answer notStrings = api.send("PUT", path("churn"), "{\"feature_names\": [1, 2]}");
        assertThat(notStrings.status()).isEqualTo(400);
        assertThat(notStrings.json().get("message").asText()).contains("array of strings");
        Answer unknown =
                api.send("PUT", path("churn"), "{\"feature_names\": [], \"features\": [\"a\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(api.send("PUT", path("churn"), "nope").status()).isEqualTo(400);
        assertThat(api.send("PUT", path("nosuch"), "{\"feature_names\": [\"a\"]}").status())
                .isEqualTo(404);
        assertThat(api.get(path("nosuch")).status()).isEqualTo(404);
        assertThat(api.as(null).send("PUT", path("churn"), "{\"feature_names\": [\"a\"]}").status())
                .isEqualTo(401);
        assertThat(api.as(null).get(path("churn")).status()).isEqualTo(401);
        // nothing was stored
        assertThat(update(api.get(path("churn")).body()).schema()).isEqualTo(InputSchema.NONE);
    }
}
