package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import dev.driftwatch.testsupport.TestProfiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Concurrent alias moves and version creations: none is lost, publications follow the moves. */
class ConcurrentAliasITCase {
    static final String ADMIN = "admin-token-for-concurrency";
    static final List<String> published = Collections.synchronizedList(new ArrayList<>());
    static RegistryServer server;
    static ApiClient api;

    /** Records what would go to Kafka, in order. */
    static final class RecordingPublisher implements ReferenceProfilePublisher {
        @Override
        public void publish(String modelName, String version, String profileJson) {
            published.add(modelName + "/" + version);
        }

        @Override
        public void close() {}
    }

    @BeforeAll
    static void start() {
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN),
                        TestPostgres.freshDatabase(),
                        new RecordingPublisher(),
                        Clock.systemUTC());
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void concurrentChampionMovesAreAllAppliedInOneOrder() throws Exception {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"race\"}");
        for (int v = 1; v <= 5; v++) {
            api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"race\"}");
            api.send(
                    "PUT",
                    "/api/v1/models/race/versions/" + v + "/reference-profile",
                    TestProfiles.json("race", String.valueOf(v)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> moves = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            moves.add(
                    pool.submit(
                            () -> {
                                int v = 1 + ThreadLocalRandom.current().nextInt(5);
                                return api.post(
                                                "/api/2.0/mlflow/registered-models/alias",
                                                "{\"name\": \"race\", \"alias\": \"champion\","
                                                        + " \"version\": \""
                                                        + v
                                                        + "\"}")
                                        .status();
                            }));
        }
        for (Future<Integer> f : moves) {
            assertThat(f.get()).isEqualTo(200);
        }
        pool.shutdown();
        assertThat(published).hasSize(80);
        String champion =
                api.get("/api/2.0/mlflow/model-versions/get-by-alias?name=race&alias=champion")
                        .json()
                        .at("/model_version/version")
                        .asText();
        assertThat(published.get(published.size() - 1))
                .as("the last publication is the alias's final version")
                .isEqualTo("race/" + champion);
    }

    @Test
    void concurrentVersionCreationsGetDistinctNumbers() throws Exception {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"many\"}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> created = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            created.add(
                    pool.submit(
                            () ->
                                    api.post(
                                                    "/api/2.0/mlflow/model-versions/create",
                                                    "{\"name\": \"many\"}")
                                            .json()
                                            .at("/model_version/version")
                                            .asText()));
        }
        Set<Integer> versions = new TreeSet<>();
        for (Future<String> f : created) {
            versions.add(Integer.parseInt(f.get()));
        }
        pool.shutdown();
        assertThat(versions).hasSize(40).first().isEqualTo(1);
        assertThat(versions).last().isEqualTo(40);
    }
}
