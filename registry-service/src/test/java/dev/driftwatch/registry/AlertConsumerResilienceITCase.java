package dev.driftwatch.registry;

import static dev.driftwatch.registry.AlertFixtures.count;
import static dev.driftwatch.registry.AlertFixtures.firing;
import static dev.driftwatch.registry.AlertFixtures.record;
import static dev.driftwatch.registry.AlertFixtures.stored;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.contract.DeadLetterRecord;
import dev.driftwatch.testsupport.TcpProxy;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Kafka alert consumer on a real broker and PostgreSQL: hostile records go to the dead-letter
 * topic with their reasons while every good alert is stored, and alerts produced while the database
 * is cut off are stored once it is back.
 */
class AlertConsumerResilienceITCase {
    static final String ADMIN = "admin-token-for-consumer-resilience";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hostileRecordsAreDeadLetteredWithTheirReasonsWhileEveryGoodAlertIsStored()
            throws Exception {
        List<String> topics = TestKafka.createTopics("alerts", "dead-letters");
        String alerts = topics.get(0);
        String deadLetters = topics.get(1);
        TestPostgres.Connection db = TestPostgres.freshConnection();
        try (RegistryServer server = start(alerts, deadLetters, db.dataSource())) {
            // one partition: a record's offset is its place in this list
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            Map<Long, Hostile> hostileAt = new HashMap<>();
            int good = 0;
            List<Hostile> hostile = hostileRecords();
            for (int i = 0; i < hostile.size(); i++) {
                records.add(record(alerts, firing("hostile-mix", i)));
                good++;
                hostileAt.put((long) records.size(), hostile.get(i));
                records.add(new ProducerRecord<>(alerts, null, hostile.get(i).value()));
            }
            // a huge number where the contract takes text is read as text: the alert is stored,
            // its value ("Infinity") is no number, so the value column stays empty
            records.add(
                    record(
                            alerts,
                            firing("hostile-huge", 0)
                                    .replace("\"value\":\"0.4\"", "\"value\":1e400")));
            // good alerts after every hostile record: the consumer is still running
            for (int i = 100; i < 105; i++) {
                records.add(record(alerts, firing("hostile-mix", i)));
                good++;
            }
            TestKafka.produce(records);
            int expected = good;
            ApiClient api = new ApiClient(server.url(), ADMIN);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stored(db.dataSource(), "hostile-mix") == expected);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deadLettered(api.get("/metrics").body()) == hostile.size());
            assertThat(count(db.dataSource(), "SELECT count(*) FROM alerts"))
                    .isEqualTo(expected + 1);
            assertThat(
                            count(
                                    db.dataSource(),
                                    "SELECT count(*) FROM alerts WHERE model_name = 'hostile-huge'"
                                            + " AND value IS NULL"
                                            + " AND annotations->>'value' = 'Infinity'"))
                    .isEqualTo(1);

            // each hostile record once on the dead-letter topic, with its origin, bytes, reason
            List<ConsumerRecord<byte[], byte[]>> letters =
                    TestKafka.readAll(deadLetters, hostile.size(), Duration.ofSeconds(60));
            assertThat(letters).hasSize(hostile.size());
            Map<Long, JsonNode> byOffset = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> letter : letters) {
                JsonNode n = JSON.readTree(letter.value());
                assertThat(n.get("source_topic").asText()).isEqualTo(alerts);
                assertThat(n.get("partition").asInt()).isZero();
                assertThat(byOffset.put(n.get("offset").asLong(), n)).as("once").isNull();
                assertThat(
                                new String(
                                        letter.headers()
                                                .lastHeader(DeadLetterRecord.REASON_HEADER)
                                                .value(),
                                        StandardCharsets.UTF_8))
                        .isEqualTo(n.get("reason").asText());
            }
            assertThat(byOffset.keySet()).isEqualTo(hostileAt.keySet());
            for (Map.Entry<Long, Hostile> e : hostileAt.entrySet()) {
                Hostile h = e.getValue();
                JsonNode n = byOffset.get(e.getKey());
                System.out.printf("dead letter %s: %s%n", h.name(), n.get("reason").asText());
                assertThat(n.get("reason").asText()).as(h.name()).contains(h.reason());
                byte[] original = h.value() == null ? new byte[0] : h.value();
                assertThat(n.get("original_bytes").asInt()).as(h.name()).isEqualTo(original.length);
                byte[] kept =
                        Arrays.copyOf(
                                original,
                                Math.min(original.length, DeadLetterRecord.ORIGINAL_LIMIT));
                assertThat(Base64.getDecoder().decode(n.get("original_base64").asText()))
                        .as(h.name())
                        .isEqualTo(kept);
                assertThat(n.path("original_truncated").asBoolean())
                        .as(h.name())
                        .isEqualTo(original.length > DeadLetterRecord.ORIGINAL_LIMIT);
            }
            String metrics = api.get("/metrics").body();
            // a NUL in a label, a timestamp out of range, a label too long for the index
            assertThat(deadLettered(metrics, "refused_by_database")).isEqualTo(3);
            assertThat(deadLettered(metrics, "not_json")).isEqualTo(5);
            assertThat(deadLettered(metrics, "not_an_alert")).isEqualTo(3);
            assertThat(deadLettered(metrics, "tombstone")).isEqualTo(1);
            System.out.printf(
                    "alert consumer: %d good alerts stored, %d hostile records dead-lettered%n",
                    expected, letters.size());
        }
    }

    @Test
    void alertsProducedWhileTheDatabaseIsCutAreStoredWhenItIsBack() throws Exception {
        String alerts = TestKafka.createTopics("alerts").get(0);
        TestPostgres.Connection db = TestPostgres.freshConnection();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(db.url())) {
            PGSimpleDataSource viaProxy = (PGSimpleDataSource) db.dataSource();
            viaProxy.setUrl(proxy.jdbcUrl(db.url()));
            try (RegistryServer server = start(alerts, viaProxy)) {
                ApiClient api = new ApiClient(server.url(), ADMIN);
                TestKafka.produce(List.of(record(alerts, firing("outage", 0))));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> stored(db.dataSource(), "outage") == 1);

                proxy.cut();
                List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    during.add(record(alerts, firing("outage", i)));
                }
                TestKafka.produce(during);
                // the consumer meets the outage and retries (it does not skip the records)
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> outages(api.get("/metrics").body()) >= 1);
                assertThat(stored(db.dataSource(), "outage")).isEqualTo(1);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> stored(db.dataSource(), "outage") == 11);
                assertThat(deadLettered(api.get("/metrics").body())).isZero();
                // and it goes on with what comes next
                TestKafka.produce(List.of(record(alerts, firing("outage", 11))));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> stored(db.dataSource(), "outage") == 12);
            }
        }
    }

    @Test
    void aRequestThatMeetsAnUnexpectedExceptionGetsA500WithAJsonBody() throws Exception {
        // a database outage in the middle of a request: nothing in the API expects it
        String alerts = TestKafka.createTopics("alerts").get(0);
        TestPostgres.Connection db = TestPostgres.freshConnection();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(db.url())) {
            PGSimpleDataSource viaProxy = (PGSimpleDataSource) db.dataSource();
            viaProxy.setUrl(proxy.jdbcUrl(db.url()));
            try (RegistryServer server = start(alerts, viaProxy)) {
                ApiClient api = new ApiClient(server.url(), ADMIN);
                assertThat(api.get("/api/v1/alerts").status()).isEqualTo(200);

                proxy.cut();
                ApiClient.Answer failed = api.get("/api/v1/alerts");
                assertThat(failed.status()).isEqualTo(500);
                assertThat(failed.json()).as(failed.body()).isNotNull();
                assertThat(failed.errorCode()).isEqualTo("INTERNAL_ERROR");
                assertThat(failed.json().get("message").asText()).startsWith("Internal error");
                assertThat(failed.body()).doesNotContain("\tat ").doesNotContain("Exception:");

                proxy.restore();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> api.get("/api/v1/alerts").status() == 200);
            }
        }
    }

    private static RegistryServer start(String alertsTopic, DataSource dataSource) {
        return start(alertsTopic, alertsTopic + "-dead-letters", dataSource);
    }

    private static RegistryServer start(
            String alertsTopic, String deadLettersTopic, DataSource dataSource) {
        return RegistryServer.start(
                RegistryConfig.defaults()
                        .withHost("127.0.0.1")
                        .withPort(0)
                        .withAdminToken(ADMIN)
                        .withKafka(TestKafka.bootstrapServers())
                        .withTopics(alertsTopic, alertsTopic + "-profiles")
                        .withDeadLettersTopic(deadLettersTopic),
                dataSource);
    }

    /** A record of the alerts topic the registry cannot store, and what its reason says. */
    private record Hostile(String name, byte[] value, String reason) {
        Hostile(String name, String value, String reason) {
            this(name, value.getBytes(StandardCharsets.UTF_8), reason);
        }
    }

    /** Records that fail for their own data, each of a different kind. */
    private static List<Hostile> hostileRecords() {
        StringBuilder longName = new StringBuilder();
        Random random = new Random(7);
        for (int i = 0; i < 12_000; i++) {
            longName.append((char) ('a' + random.nextInt(26)));
        }
        String farFuture =
                firing("hostile-mix", 501)
                        .replaceAll(
                                "\"startsAt\":\"[^\"]*\"",
                                "\"startsAt\":\"+300000-01-01T00:00:00Z\"");
        String hugeStartsAt =
                firing("hostile-mix", 503)
                        .replaceAll("\"startsAt\":\"[^\"]*\"", "\"startsAt\":1e400");
        byte[] rawNul = firing("hostile-mix", 504).replace("f504", "f\u0000504").getBytes(UTF_8);
        return List.of(
                new Hostile(
                        "nul-in-label",
                        firing("hostile\u0000mix", 500),
                        "refused by the database: "),
                new Hostile("far-future-startsAt", farFuture, "SQLState 22008"),
                new Hostile("overlong-label", firing(longName.toString(), 502), "SQLState 54000"),
                new Hostile(
                        "huge-number-startsAt",
                        hugeStartsAt,
                        "alert: startsAt is required (RFC 3339)"),
                new Hostile("raw-nul-byte", rawNul, "not JSON: Illegal unquoted character"),
                new Hostile("cut-json", "{\"labels\": {\"alertname\": ", "not JSON: "),
                new Hostile("not-json", "not json at all", "not JSON: Unrecognized token"),
                new Hostile("record-100kb", "x".repeat(100_000), "not JSON: "),
                new Hostile("empty", "", "not JSON: an empty record"),
                new Hostile("array-of-numbers", "[1, 2, 3]", "not an alert: "),
                new Hostile(
                        "wrong-types",
                        "{\"labels\": \"a string\", \"startsAt\": 5}",
                        "not an alert: "),
                new Hostile("tombstone", (byte[]) null, "tombstone"));
    }

    private static double deadLettered(String metrics) {
        return sum(metrics, "driftwatch_registry_alert_records_dead_lettered_total");
    }

    private static double deadLettered(String metrics, String reason) {
        return sum(
                metrics,
                "driftwatch_registry_alert_records_dead_lettered_total\\{reason=\""
                        + reason
                        + "\",?\\}");
    }

    private static double outages(String metrics) {
        return sum(metrics, "driftwatch_registry_alert_consumer_outages_total");
    }

    private static double sum(String metrics, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }
}
