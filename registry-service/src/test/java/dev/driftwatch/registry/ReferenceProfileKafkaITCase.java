package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import dev.driftwatch.testsupport.TestProfiles;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reference profiles over HTTP, and the champion's profile published to a real Kafka broker. */
class ReferenceProfileKafkaITCase {
    static final String ADMIN = "admin-token-for-profile-tests";
    static final String TOPIC = "driftwatch.reference-profiles";
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

    static String profilePath(String model, String version) {
        return "/api/v1/models/" + model + "/versions/" + version + "/reference-profile";
    }

    @Test
    void movingTheChampionAliasPublishesTheNewChampionsProfile() {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"fraud\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"fraud\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"fraud\"}");
        String p1 = TestProfiles.json("fraud", "1");
        String p2 = TestProfiles.json("fraud", "2");
        assertThat(api.send("PUT", profilePath("fraud", "1"), p1).status()).isEqualTo(200);
        assertThat(api.send("PUT", profilePath("fraud", "2"), p2).status()).isEqualTo(200);
        // a non-champion alias publishes nothing
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"fraud\", \"alias\": \"challenger\", \"version\": \"2\"}");

        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"1\"}");
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"2\"}");

        List<ConsumerRecord<String, String>> records = TestKafka.read(TOPIC, 2);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("fraud/1", "fraud/2");
        ReferenceProfile published = ReferenceProfile.fromJson(records.get(1).value());
        assertThat(published).isEqualTo(ReferenceProfile.fromJson(p2));
        assertThat(published.modelVersion()).isEqualTo("2");
    }

    @Test
    void profilesAreValidatedStoredAndReadBack() {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"churn\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"churn\"}");
        String p = TestProfiles.json("churn", "1");
        Answer put = api.send("PUT", profilePath("churn", "1"), p);
        assertThat(put.status()).isEqualTo(200);
        Answer got = api.get(profilePath("churn", "1"));
        assertThat(got.status()).isEqualTo(200);
        assertThat(ReferenceProfile.fromJson(got.body())).isEqualTo(ReferenceProfile.fromJson(p));

        Answer wrongModel =
                api.send("PUT", profilePath("churn", "1"), TestProfiles.json("fraud", "1"));
        assertThat(wrongModel.status()).isEqualTo(400);
        assertThat(wrongModel.json().get("message").asText()).contains("not churn version 1");

        Answer invalid = api.send("PUT", profilePath("churn", "1"), "{\"format_version\": 1}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(invalid.json().get("message").asText()).startsWith("Invalid reference profile");

        Answer notJson = api.send("PUT", profilePath("churn", "1"), "nope");
        assertThat(notJson.status()).isEqualTo(400);

        Answer noVersion =
                api.send("PUT", profilePath("churn", "5"), TestProfiles.json("churn", "5"));
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(api.get(profilePath("churn", "9")).status()).isEqualTo(404);
        assertThat(api.as(null).get(profilePath("churn", "1")).status()).isEqualTo(401);
    }
}
