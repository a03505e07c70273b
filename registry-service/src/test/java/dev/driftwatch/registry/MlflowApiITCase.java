package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MLflow-shaped registry endpoints over real HTTP and a real PostgreSQL. */
class MlflowApiITCase {
    static final String ADMIN = "admin-token-for-mlflow-tests";
    static final String RM = "/api/2.0/mlflow/registered-models/";
    static final String MV = "/api/2.0/mlflow/model-versions/";

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
                                .withMaxBodyBytes(64 * 1024),
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
    void createsAndGetsARegisteredModelInMlflowsShape() {
        long before = System.currentTimeMillis();
        Answer created =
                api.post(
                        RM + "create",
                        "{\"name\": \"fraud\", \"description\": \"card fraud\","
                                + " \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}]}");
        assertThat(created.status()).isEqualTo(200);
        JsonNode m = created.json().get("registered_model");
        assertThat(m.get("name").asText()).isEqualTo("fraud");
        assertThat(m.get("description").asText()).isEqualTo("card fraud");
        assertThat(m.get("creation_timestamp").isIntegralNumber()).isTrue();
        assertThat(m.get("creation_timestamp").asLong())
                .isBetween(before, System.currentTimeMillis());
        assertThat(m.get("last_updated_timestamp").asLong())
                .isEqualTo(m.get("creation_timestamp").asLong());
        assertThat(m.get("tags").get(0).get("key").asText()).isEqualTo("team");
        assertThat(m.get("tags").get(0).get("value").asText()).isEqualTo("risk");

        Answer got = api.get(RM + "get?name=fraud");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("registered_model").get("name").asText()).isEqualTo("fraud");

        Answer again = api.post(RM + "create", "{\"name\": \"fraud\"}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        assertThat(again.json().get("message").asText()).contains("fraud");
    }

    @Test
    void versionsAreNumberedStringsWithStatusReady() {
        api.post(RM + "create", "{\"name\": \"churn\"}");
        Answer v1 =
                api.post(
                        MV + "create",
                        "{\"name\": \"churn\", \"source\": \"s3://m/churn/1\", \"run_id\": \"r1\","
                                + " \"description\": \"first\", \"tags\": [{\"key\": \"k\","
                                + " \"value\": \"v\"}]}");
        assertThat(v1.status()).isEqualTo(200);
        JsonNode mv = v1.json().get("model_version");
        assertThat(mv.get("version").isTextual()).isTrue();
        assertThat(mv.get("version").asText()).isEqualTo("1");
        assertThat(mv.get("status").asText()).isEqualTo("READY");
        assertThat(mv.get("current_stage").asText()).isEqualTo("None");
        assertThat(mv.get("source").asText()).isEqualTo("s3://m/churn/1");
        assertThat(mv.get("run_id").asText()).isEqualTo("r1");
        assertThat(mv.get("user_id").asText()).isEqualTo("bootstrap-admin");
        assertThat(mv.get("tags").get(0).get("value").asText()).isEqualTo("v");
        Answer v2 =
                api.post(MV + "create", "{\"name\": \"churn\", \"source\": \"s3://m/churn/2\"}");
        assertThat(v2.json().get("model_version").get("version").asText()).isEqualTo("2");

        Answer got = api.get(MV + "get?name=churn&version=1");
        assertThat(got.json().get("model_version").get("description").asText()).isEqualTo("first");

        Answer latest = api.post(RM + "get-latest-versions", "{\"name\": \"churn\"}");
        assertThat(latest.json().get("model_versions")).hasSize(1);
        assertThat(latest.json().get("model_versions").get(0).get("version").asText())
                .isEqualTo("2");
        assertThat(
                        api.get(RM + "get?name=churn")
                                .json()
                                .at("/registered_model/latest_versions/0/version")
                                .asText())
                .isEqualTo("2");

        Answer updated =
                api.send(
                        "PATCH",
                        MV + "update",
                        "{\"name\": \"churn\", \"version\": \"1\", \"description\": \"changed\"}");
        assertThat(updated.json().at("/model_version/description").asText()).isEqualTo("changed");

        Answer missing = api.get(MV + "get?name=churn&version=9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

        Answer noModel = api.post(MV + "create", "{\"name\": \"nobody\"}");
        assertThat(noModel.status()).isEqualTo(404);
        assertThat(noModel.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

        assertThat(
                        api.send(
                                        "DELETE",
                                        MV + "delete",
                                        "{\"name\": \"churn\", \"version\": \"2\"}")
                                .status())
                .isEqualTo(200);
        assertThat(api.get(MV + "get?name=churn&version=2").status()).isEqualTo(404);
        Answer v3 = api.post(MV + "create", "{\"name\": \"churn\"}");
        assertThat(v3.json().at("/model_version/version").asText())
                .as("a deleted version number is not reused")
                .isEqualTo("3");
    }

    @Test
    void aliasesPointAtVersionsAndMove() {
        api.post(RM + "create", "{\"name\": \"ranker\"}");
        api.post(MV + "create", "{\"name\": \"ranker\"}");
        api.post(MV + "create", "{\"name\": \"ranker\"}");

        Answer set =
                api.post(
                        RM + "alias",
                        "{\"name\": \"ranker\", \"alias\": \"champion\", \"version\": \"1\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().size()).isZero();

        Answer byAlias = api.get(MV + "get-by-alias?name=ranker&alias=champion");
        assertThat(byAlias.json().at("/model_version/version").asText()).isEqualTo("1");
        assertThat(byAlias.json().at("/model_version/aliases/0").asText()).isEqualTo("champion");
        assertThat(
                        api.get(RM + "alias?name=ranker&alias=champion")
                                .json()
                                .at("/model_version/version")
                                .asText())
                .isEqualTo("1");

        api.post(
                RM + "alias",
                "{\"name\": \"ranker\", \"alias\": \"champion\", \"version\": \"2\"}");
        api.post(
                RM + "alias",
                "{\"name\": \"ranker\", \"alias\": \"challenger\", \"version\": \"1\"}");
        JsonNode m = api.get(RM + "get?name=ranker").json().get("registered_model");
        assertThat(m.get("aliases").toString())
                .isEqualTo(
                        "[{\"alias\":\"challenger\",\"version\":\"1\"},"
                                + "{\"alias\":\"champion\",\"version\":\"2\"}]");

        Answer toMissingVersion =
                api.post(
                        RM + "alias",
                        "{\"name\": \"ranker\", \"alias\": \"champion\", \"version\": \"7\"}");
        assertThat(toMissingVersion.status()).isEqualTo(404);
        Answer reserved =
                api.post(
                        RM + "alias",
                        "{\"name\": \"ranker\", \"alias\": \"latest\", \"version\": \"1\"}");
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");

        assertThat(
                        api.send(
                                        "DELETE",
                                        RM + "alias",
                                        "{\"name\": \"ranker\", \"alias\": \"champion\"}")
                                .status())
                .isEqualTo(200);
        Answer gone = api.get(MV + "get-by-alias?name=ranker&alias=champion");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(api.send("DELETE", RM + "alias?name=ranker&alias=champion", null).status())
                .isEqualTo(404);
    }

    @Test
    void tagsAreSetAndDeleted() {
        api.post(RM + "create", "{\"name\": \"tagged\"}");
        api.post(MV + "create", "{\"name\": \"tagged\"}");
        assertThat(
                        api.post(
                                        RM + "set-tag",
                                        "{\"name\": \"tagged\", \"key\": \"a\", \"value\": \"1\"}")
                                .status())
                .isEqualTo(200);
        api.post(RM + "set-tag", "{\"name\": \"tagged\", \"key\": \"a\", \"value\": \"2\"}");
        assertThat(api.get(RM + "get?name=tagged").json().at("/registered_model/tags").toString())
                .isEqualTo("[{\"key\":\"a\",\"value\":\"2\"}]");
        api.send("DELETE", RM + "delete-tag", "{\"name\": \"tagged\", \"key\": \"a\"}");
        assertThat(api.get(RM + "get?name=tagged").json().at("/registered_model/tags").size())
                .isZero();

        api.post(
                MV + "set-tag",
                "{\"name\": \"tagged\", \"version\": \"1\", \"key\": \"b\", \"value\": \"x\"}");
        assertThat(
                        api.get(MV + "get?name=tagged&version=1")
                                .json()
                                .at("/model_version/tags")
                                .toString())
                .isEqualTo("[{\"key\":\"b\",\"value\":\"x\"}]");
        api.send(
                "DELETE",
                MV + "delete-tag",
                "{\"name\": \"tagged\", \"version\": \"1\", \"key\": \"b\"}");
        assertThat(
                        api.get(MV + "get?name=tagged&version=1")
                                .json()
                                .at("/model_version/tags")
                                .size())
                .isZero();
        Answer again =
                api.send(
                        "DELETE",
                        MV + "delete-tag",
                        "{\"name\": \"tagged\", \"version\": \"1\", \"key\": \"b\"}");
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    void searchPagesThroughEveryModelOnce() {
        for (String n : List.of("page-e", "page-b", "page-a", "page-d", "page-c")) {
            api.post(RM + "create", "{\"name\": \"" + n + "\"}");
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String q =
                    "filter=name+LIKE+%27page-%25%27&max_results=2"
                            + (token == null ? "" : "&page_token=" + token);
            Answer page = api.get(RM + "search?" + q);
            assertThat(page.status()).isEqualTo(200);
            page.json().get("registered_models").forEach(m -> seen.add(m.get("name").asText()));
            token = page.json().path("next_page_token").asText(null);
            pages++;
        } while (token != null);
        assertThat(seen).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e");
        assertThat(pages).isEqualTo(3);

        Answer desc =
                api.post(
                        RM + "search",
                        "{\"filter\": \"name LIKE 'page-%'\", \"order_by\": [\"name DESC\"],"
                                + " \"max_results\": 1}");
        assertThat(desc.json().at("/registered_models/0/name").asText()).isEqualTo("page-e");

        Answer badToken = api.get(RM + "search?page_token=garbage!");
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(badToken.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        Answer badFilter = api.get(RM + "search?filter=name+~+1");
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.json().get("message").asText()).contains("filter");
        assertThat(api.get(RM + "search?max_results=0").status()).isEqualTo(400);
        assertThat(api.get(RM + "search?max_results=5000").status()).isEqualTo(400);
    }

    @Test
    void searchesVersionsByNameAndTag() {
        api.post(RM + "create", "{\"name\": \"sv\"}");
        api.post(MV + "create", "{\"name\": \"sv\", \"run_id\": \"a\"}");
        api.post(
                MV + "create",
                "{\"name\": \"sv\", \"run_id\": \"b\", \"tags\": [{\"key\": \"gpu\", \"value\": \"h100\"}]}");
        api.post(MV + "create", "{\"name\": \"sv\", \"run_id\": \"c\"}");
        Answer all = api.get(MV + "search?filter=name%3D%27sv%27");
        assertThat(all.json().get("model_versions")).hasSize(3);
        assertThat(all.json().at("/model_versions/0/version").asText()).isEqualTo("3");
        Answer tagged = api.get(MV + "search?filter=name%3D%27sv%27+AND+tags.gpu%3D%27h100%27");
        assertThat(tagged.json().get("model_versions")).hasSize(1);
        assertThat(tagged.json().at("/model_versions/0/run_id").asText()).isEqualTo("b");
        Answer paged = api.get(MV + "search?filter=name%3D%27sv%27&max_results=2");
        assertThat(paged.json().get("model_versions")).hasSize(2);
        String token = paged.json().get("next_page_token").asText();
        Answer rest =
                api.get(MV + "search?filter=name%3D%27sv%27&max_results=2&page_token=" + token);
        assertThat(rest.json().get("model_versions")).hasSize(1);
        assertThat(rest.json().at("/model_versions/0/version").asText()).isEqualTo("1");
        assertThat(rest.json().has("next_page_token")).isFalse();
    }

    @Test
    void updatesAndDeletesModels() {
        api.post(RM + "create", "{\"name\": \"doomed\"}");
        api.post(MV + "create", "{\"name\": \"doomed\"}");
        Answer up =
                api.send(
                        "PATCH",
                        RM + "update",
                        "{\"name\": \"doomed\", \"description\": \"soon gone\"}");
        assertThat(up.json().at("/registered_model/description").asText()).isEqualTo("soon gone");
        assertThat(api.send("DELETE", RM + "delete", "{\"name\": \"doomed\"}").status())
                .isEqualTo(200);
        assertThat(api.get(RM + "get?name=doomed").status()).isEqualTo(404);
        assertThat(api.get(MV + "get?name=doomed&version=1").status()).isEqualTo(404);
        assertThat(api.send("DELETE", RM + "delete", "{\"name\": \"doomed\"}").status())
                .isEqualTo(404);
    }

    @Test
    void badInputIsA4xxWithAClearMessage() {
        Answer notJson = api.post(RM + "create", "{\"name\": ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(notJson.json().get("message").asText()).contains("not valid JSON");

        Answer wrongType = api.post(RM + "create", "{\"name\": 5}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("message").asText()).contains("'name'").contains("string");

        Answer notObject = api.post(RM + "create", "[1, 2]");
        assertThat(notObject.status()).isEqualTo(400);

        Answer missing = api.post(RM + "create", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("message").asText()).contains("name");

        Answer badName = api.post(RM + "create", "{\"name\": \"a/b\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("message").asText()).contains("Invalid model name");

        Answer badTags = api.post(RM + "create", "{\"name\": \"ok-name\", \"tags\": {\"a\": 1}}");
        assertThat(badTags.status()).isEqualTo(400);

        Answer badVersion = api.get(MV + "get?name=fraud&version=abc");
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.json().get("message").asText()).contains("version");

        String huge = "{\"name\": \"big\", \"description\": \"" + "x".repeat(100_000) + "\"}";
        Answer tooBig = api.post(RM + "create", huge);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.errorCode()).isEqualTo("REQUEST_TOO_LARGE");

        Answer noSuchEndpoint = api.get("/api/2.0/mlflow/registered-models/nope");
        assertThat(noSuchEndpoint.status()).isEqualTo(404);
        assertThat(noSuchEndpoint.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
    }

    @Test
    void healthNeedsNoTokenAndMetricsArePrometheusText() {
        Answer health = api.as(null).get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        api.get(RM + "search");
        Answer metrics = api.as(null).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("driftwatch_registry_http_requests_total{");
    }
}
