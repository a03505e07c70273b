package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alerts from the driftwatch.alerts topic (real broker) land in the same table as HTTP ones. */
class AlertKafkaITCase {
    static final String ADMIN = "admin-token-for-alert-kafka";
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

    @Test
    void theSameOccurrenceFromKafkaAndHttpIsStoredOnce() throws Exception {
        Alert firing =
                Alert.firing(
                        Map.of(
                                "alertname",
                                "DriftDetected",
                                "model_name",
                                "kafka-model",
                                "feature",
                                "age"),
                        Map.of("value", "0.4", "threshold", "0.25"),
                        Instant.parse("2026-11-26T08:00:00Z"),
                        "");
        assertThat(api.post("/api/v1/alerts", firing.toJson()).json().get("stored").asInt())
                .isEqualTo(1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    "driftwatch.alerts", firing.fingerprint(), firing.toJson()))
                    .get();
            producer.send(new ProducerRecord<>("driftwatch.alerts", "junk", "not json")).get();
            Alert resolved =
                    firing.resolve(Instant.parse("2026-11-26T09:00:00Z"), firing.annotations());
            producer.send(
                            new ProducerRecord<>(
                                    "driftwatch.alerts", firing.fingerprint(), resolved.toJson()))
                    .get();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                api.get("/api/v1/alerts?model_name=kafka-model")
                                        .json()
                                        .at("/alerts/0/status")
                                        .asText()
                                        .equals("resolved"));
        var alerts = api.get("/api/v1/alerts?model_name=kafka-model").json().get("alerts");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("endsAt").asText()).isEqualTo("2026-11-26T09:00:00Z");
        assertThat(alerts.get(0).get("value").asDouble()).isEqualTo(0.4);
        assertThat(alerts.get(0).get("received_via").asText()).isEqualTo("http");
    }
}
