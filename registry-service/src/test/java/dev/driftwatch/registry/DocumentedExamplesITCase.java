package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What docs/registry.md, docs/retraining.md and examples/ show is what the registry accepts: the
 * documented alert body is posted exactly as written, and the example retrain policy is put on a
 * model registered first, as retraining.md says.
 */
class DocumentedExamplesITCase {
    static final String ADMIN = "admin-token-for-documented-examples";
    static RegistryServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN),
                        TestPostgres.freshDatabase(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC());
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theAlertBodyInRegistryMdIsStoredAsWritten() throws Exception {
        String body = DocExamples.jsonBlockAfter("registry.md", "Post an alert");
        Answer posted = api.post("/api/v1/alerts", body);
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);
        assertThat(posted.json().get("stored").asInt()).isEqualTo(1);

        JsonNode doc = ApiClient.JSON.readTree(body);
        JsonNode stored =
                api.get("/api/v1/alerts?model_name=" + doc.at("/labels/model_name").asText())
                        .json()
                        .at("/alerts/0");
        assertThat(stored.get("fingerprint").asText())
                .isEqualTo(Alert.fromJsonNode(doc).fingerprint());
        assertThat(stored.get("status").asText()).isEqualTo("firing");
        assertThat(stored.get("labels")).isEqualTo(doc.get("labels"));
        assertThat(stored.get("value").asDouble())
                .isEqualTo(doc.at("/annotations/value").asDouble());
        assertThat(stored.get("threshold").asDouble())
                .isEqualTo(doc.at("/annotations/threshold").asDouble());
        assertThat(stored.get("delivery_state").asText()).isEqualTo("none");
    }

    @Test
    void theExamplePolicyIsTheOneRetrainingMdShowsAndIsAccepted() throws Exception {
        String file = DocExamples.example("retrain-policy.json");
        assertThat(ApiClient.JSON.readTree(DocExamples.jsonBlockAfter("retraining.md", "Policy")))
                .as("docs/retraining.md shows examples/retrain-policy.json")
                .isEqualTo(ApiClient.JSON.readTree(file));

        // as retraining.md says: the model first, then its policy
        Answer noModel = api.send("PUT", "/api/v1/models/fraud/retrain-policy", file);
        assertThat(noModel.status()).isEqualTo(404);
        assertThat(
                        api.post(
                                        "/api/2.0/mlflow/registered-models/create",
                                        "{\"name\": \"fraud\"}")
                                .status())
                .isEqualTo(200);
        Answer noTemplate = api.send("PUT", "/api/v1/models/fraud/retrain-policy", file);
        assertThat(noTemplate.status()).isEqualTo(400);
        assertThat(noTemplate.json().get("message").asText())
                .contains("there is no training template named fraud-train");

        // an admin sets the templates retraining.md shows, then the policy is accepted
        String templates = DocExamples.example("training-templates.json");
        assertThat(
                        ApiClient.JSON.readTree(
                                DocExamples.jsonBlockAfter("retraining.md", "Templates")))
                .as("docs/retraining.md shows examples/training-templates.json")
                .isEqualTo(ApiClient.JSON.readTree(templates));
        var fields = ApiClient.JSON.readTree(templates).fields();
        while (fields.hasNext()) {
            var t = fields.next();
            Answer saved =
                    api.send(
                            "PUT",
                            "/api/v1/training-templates/" + t.getKey(),
                            t.getValue().toString());
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            assertThat(saved.json().get("name").asText()).isEqualTo(t.getKey());
            assertThat(saved.json().get("configured").asBoolean()).isFalse();
        }
        Answer put = api.send("PUT", "/api/v1/models/fraud/retrain-policy", file);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json()).isEqualTo(ApiClient.JSON.readTree(file));
    }
}
