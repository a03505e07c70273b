package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer tokens and roles on every write endpoint. */
class AuthITCase {
    static final String ADMIN = "admin-token-for-auth-tests";
    static RegistryServer server;
    static ApiClient admin;
    static String reader;
    static String operator;
    static String approver;

    /** Every write endpoint, with a body that would succeed for an admin. */
    static final List<String[]> WRITES =
            List.of(
                    new String[] {
                        "POST", "/api/2.0/mlflow/registered-models/create", "{\"name\": \"x1\"}"
                    },
                    new String[] {
                        "PATCH", "/api/2.0/mlflow/registered-models/update", "{\"name\": \"m\"}"
                    },
                    new String[] {
                        "DELETE", "/api/2.0/mlflow/registered-models/delete", "{\"name\": \"m\"}"
                    },
                    new String[] {
                        "POST",
                        "/api/2.0/mlflow/registered-models/set-tag",
                        "{\"name\": \"m\", \"key\": \"k\", \"value\": \"v\"}"
                    },
                    new String[] {
                        "DELETE",
                        "/api/2.0/mlflow/registered-models/delete-tag",
                        "{\"name\": \"m\", \"key\": \"k\"}"
                    },
                    new String[] {
                        "POST",
                        "/api/2.0/mlflow/registered-models/alias",
                        "{\"name\": \"m\", \"alias\": \"champion\", \"version\": \"1\"}"
                    },
                    new String[] {
                        "DELETE",
                        "/api/2.0/mlflow/registered-models/alias",
                        "{\"name\": \"m\", \"alias\": \"champion\"}"
                    },
                    new String[] {
                        "POST", "/api/2.0/mlflow/model-versions/create", "{\"name\": \"m\"}"
                    },
                    new String[] {
                        "PATCH",
                        "/api/2.0/mlflow/model-versions/update",
                        "{\"name\": \"m\", \"version\": \"1\"}"
                    },
                    new String[] {
                        "DELETE",
                        "/api/2.0/mlflow/model-versions/delete",
                        "{\"name\": \"m\", \"version\": \"1\"}"
                    },
                    new String[] {
                        "POST",
                        "/api/2.0/mlflow/model-versions/set-tag",
                        "{\"name\": \"m\", \"version\": \"1\", \"key\": \"k\", \"value\": \"v\"}"
                    },
                    new String[] {
                        "DELETE",
                        "/api/2.0/mlflow/model-versions/delete-tag",
                        "{\"name\": \"m\", \"version\": \"1\", \"key\": \"k\"}"
                    },
                    new String[] {
                        "PUT", "/api/v1/models/m/versions/1/reference-profile", "{\"x\": 1}"
                    },
                    new String[] {
                        "POST", "/api/v1/tokens", "{\"name\": \"t\", \"role\": \"reader\"}"
                    },
                    new String[] {"DELETE", "/api/v1/tokens/1", null});

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
        admin = new ApiClient(server.url(), ADMIN);
        reader = issue("a-reader", "reader");
        operator = issue("an-operator", "operator");
        approver = issue("an-approver", "approver");
        admin.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"m\"}");
        admin.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"m\"}");
    }

    static String issue(String name, String role) {
        Answer a =
                admin.post(
                        "/api/v1/tokens",
                        "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}");
        assertThat(a.status()).isEqualTo(201);
        return a.json().get("token").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyWriteEndpointRefusesAMissingOrWrongToken() {
        for (String[] w : WRITES) {
            Answer none = admin.as(null).send(w[0], w[1], w[2]);
            assertThat(none.status()).as("%s %s without a token", w[0], w[1]).isEqualTo(401);
            assertThat(none.errorCode()).isEqualTo("UNAUTHENTICATED");
            Answer wrong = admin.as("dw_not-a-real-token").send(w[0], w[1], w[2]);
            assertThat(wrong.status()).as("%s %s with a wrong token", w[0], w[1]).isEqualTo(401);
        }
    }

    @Test
    void aReaderReadsButWritesNothing() {
        ApiClient asReader = admin.as(reader);
        for (String[] w : WRITES) {
            Answer a = asReader.send(w[0], w[1], w[2]);
            assertThat(a.status()).as("%s %s as a reader", w[0], w[1]).isEqualTo(403);
            assertThat(a.errorCode()).isEqualTo("PERMISSION_DENIED");
        }
        assertThat(asReader.get("/api/2.0/mlflow/registered-models/get?name=m").status())
                .isEqualTo(200);
        assertThat(asReader.get("/api/2.0/mlflow/model-versions/search").status()).isEqualTo(200);
    }

    @Test
    void onlyAnApproverOrAdminPromotes() {
        String promote = "{\"name\": \"m\", \"alias\": \"champion\", \"version\": \"1\"}";
        assertThat(
                        admin.as(reader)
                                .post("/api/2.0/mlflow/registered-models/alias", promote)
                                .status())
                .isEqualTo(403);
        assertThat(
                        admin.as(operator)
                                .post("/api/2.0/mlflow/registered-models/alias", promote)
                                .status())
                .isEqualTo(403);
        assertThat(
                        admin.as(operator)
                                .post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"m\"}")
                                .status())
                .isEqualTo(200);
        assertThat(
                        admin.as(approver)
                                .post("/api/2.0/mlflow/registered-models/alias", promote)
                                .status())
                .isEqualTo(200);
        assertThat(
                        admin.as(approver)
                                .post("/api/v1/tokens", "{\"name\": \"z\", \"role\": \"admin\"}")
                                .status())
                .as("token management is admin only")
                .isEqualTo(403);
    }

    @Test
    void tokensAreStoredHashedAndNeverListedWithTheirSecret() {
        Answer list = admin.get("/api/v1/tokens");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body())
                .doesNotContain(reader)
                .doesNotContain(ADMIN)
                .doesNotContain("\"token\"");
        assertThat(list.json().get("tokens").findValuesAsText("name"))
                .contains("a-reader", "bootstrap-admin");
        List<String> stored =
                server.jdbi()
                        .withHandle(
                                h ->
                                        h.createQuery("SELECT token_sha256 FROM api_tokens")
                                                .mapTo(String.class)
                                                .list());
        assertThat(stored).allMatch(s -> s.matches("[0-9a-f]{64}")).doesNotContain(reader, ADMIN);

        String temp = issue("temporary", "reader");
        long id =
                list(admin.get("/api/v1/tokens")).stream()
                        .filter(t -> t.get("name").asText().equals("temporary"))
                        .findFirst()
                        .orElseThrow()
                        .get("id")
                        .asLong();
        assertThat(admin.as(temp).get("/api/2.0/mlflow/registered-models/search").status())
                .isEqualTo(200);
        assertThat(admin.send("DELETE", "/api/v1/tokens/" + id, null).status()).isEqualTo(200);
        assertThat(admin.as(temp).get("/api/2.0/mlflow/registered-models/search").status())
                .isEqualTo(401);
        assertThat(admin.post("/api/v1/tokens", "{\"name\": \"bad\", \"role\": \"king\"}").status())
                .isEqualTo(400);
    }

    static List<com.fasterxml.jackson.databind.JsonNode> list(Answer a) {
        List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
        a.json().get("tokens").forEach(out::add);
        return out;
    }

    @Test
    void withoutAConfiguredAdminTokenOneIsGeneratedOnceAndWorks() {
        DataSource ds = TestPostgres.freshDatabase();
        RegistryConfig config = RegistryConfig.defaults().withHost("127.0.0.1").withPort(0);
        Optional<String> generated;
        try (RegistryServer first =
                RegistryServer.start(
                        config, ds, ReferenceProfilePublisher.NONE, Clock.systemUTC())) {
            generated = first.generatedAdminToken();
            assertThat(generated).isPresent();
            assertThat(new ApiClient(first.url(), generated.get()).get("/api/v1/tokens").status())
                    .isEqualTo(200);
        }
        try (RegistryServer second =
                RegistryServer.start(
                        config, ds, ReferenceProfilePublisher.NONE, Clock.systemUTC())) {
            assertThat(second.generatedAdminToken()).isEmpty();
            assertThat(new ApiClient(second.url(), generated.get()).get("/api/v1/tokens").status())
                    .isEqualTo(200);
        }
        int tokens =
                Jdbi.create(ds)
                        .withHandle(
                                h ->
                                        h.createQuery("SELECT count(*) FROM api_tokens")
                                                .mapTo(Integer.class)
                                                .one());
        assertThat(tokens).isEqualTo(1);
    }
}
