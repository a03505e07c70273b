package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.testsupport.TcpProxy;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Kafka alert consumer on a real broker and PostgreSQL: hostile records are skipped and counted
 * while every good alert is stored, and alerts produced while the database is cut off are stored
 * once it is back.
 */
class AlertConsumerResilienceITCase {
    static final String ADMIN = "admin-token-for-consumer-resilience";

    @Test
    void hostileRecordsAreSkippedAndCountedWhileEveryGoodAlertIsStored() throws Exception {
        String alerts = TestKafka.createTopics("alerts").get(0);
        TestPostgres.Connection db = TestPostgres.freshConnection();
        try (RegistryServer server = start(alerts, db.dataSource())) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            int good = 0;
            List<String> hostile = hostileRecords();
            for (int i = 0; i < hostile.size(); i++) {
                records.add(record(alerts, alertJson("hostile-mix", i)));
                good++;
                records.add(record(alerts, hostile.get(i)));
            }
            records.add(new ProducerRecord<>(alerts, "tombstone".getBytes(), null));
            // good alerts after every hostile record: the consumer is still running
            for (int i = 100; i < 105; i++) {
                records.add(record(alerts, alertJson("hostile-mix", i)));
                good++;
            }
            TestKafka.produce(records);
            int expected = good;
            ApiClient api = new ApiClient(server.url(), ADMIN);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> storedAlerts(db.dataSource(), "hostile-mix") == expected);
            int skipped = hostile.size() + 1;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> skippedTotal(api.get("/metrics").body()) == skipped);
            String metrics = api.get("/metrics").body();
            assertThat(metrics)
                    .contains("reason=\"tombstone\"")
                    .contains("reason=\"not_json\"")
                    .contains("reason=\"refused_by_database\"");
            // a NUL in a label, a timestamp out of range, a label too long for the index
            assertThat(
                            sum(
                                    metrics,
                                    "driftwatch_registry_alert_records_skipped_total"
                                            + "\\{reason=\"refused_by_database\",?\\}"))
                    .isEqualTo(3);
            assertThat(countAll(db.dataSource())).isEqualTo(expected);
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
                TestKafka.produce(List.of(record(alerts, alertJson("outage", 0))));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> storedAlerts(db.dataSource(), "outage") == 1);

                proxy.cut();
                List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    during.add(record(alerts, alertJson("outage", i)));
                }
                TestKafka.produce(during);
                // the consumer meets the outage and retries (it does not skip the records)
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> outages(api.get("/metrics").body()) >= 1);
                assertThat(storedAlerts(db.dataSource(), "outage")).isEqualTo(1);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> storedAlerts(db.dataSource(), "outage") == 11);
                assertThat(skippedTotal(api.get("/metrics").body())).isZero();
                // and it goes on with what comes next
                TestKafka.produce(List.of(record(alerts, alertJson("outage", 11))));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> storedAlerts(db.dataSource(), "outage") == 12);
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
        return RegistryServer.start(
                RegistryConfig.defaults()
                        .withHost("127.0.0.1")
                        .withPort(0)
                        .withAdminToken(ADMIN)
                        .withKafka(TestKafka.bootstrapServers())
                        .withTopics(alertsTopic, alertsTopic + "-profiles"),
                dataSource);
    }

    /** Records that fail for their own data, each of a different kind. */
    private static List<String> hostileRecords() {
        StringBuilder longName = new StringBuilder();
        Random random = new Random(7);
        for (int i = 0; i < 12_000; i++) {
            longName.append((char) ('a' + random.nextInt(26)));
        }
        String nulLabel = alertJson("hostile\u0000mix", 500);
        String farFuture =
                alertJson("hostile-mix", 501)
                        .replaceAll(
                                "\"startsAt\":\"[^\"]*\"",
                                "\"startsAt\":\"+300000-01-01T00:00:00Z\"");
        String overlong = alertJson(longName.toString(), 502);
        return List.of(
                nulLabel,
                farFuture,
                overlong,
                "{\"labels\": {\"alertname\": ",
                "not json at all",
                "[1, 2, 3]",
                "{\"labels\": \"a string\", \"startsAt\": 5}",
                "");
    }

    private static String alertJson(String model, int i) {
        return Alert.firing(
                        Map.of(
                                "alertname",
                                "DriftDetected",
                                "model_name",
                                model,
                                "feature",
                                "f" + i),
                        Map.of("value", "0.4", "threshold", "0.25"),
                        Instant.parse("2026-11-26T08:00:00Z").plusSeconds(i),
                        "")
                .toJson();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static int storedAlerts(DataSource db, String model) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT count(*) FROM alerts WHERE model_name = '" + model + "'")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static int countAll(DataSource db) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM alerts")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static double skippedTotal(String metrics) {
        return sum(metrics, "driftwatch_registry_alert_records_skipped_total");
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
