package dev.driftwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local broker keeps its log across a restart (same client port when free), listens on
 * 127.0.0.1 only, and refuses a directory that a running broker uses.
 */
class LocalKafkaITCase {
    @TempDir Path home;

    @Test
    void theLogSurvivesARestartOnTheSamePort() throws Exception {
        String first;
        try (LocalKafka kafka = LocalKafka.start(home)) {
            first = kafka.bootstrapServers();
            LocalKafka.createTopics(first, List.of("kept"), Set.of());
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            Map.of("bootstrap.servers", first, "acks", "all"),
                            new StringSerializer(),
                            new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>("kept", "record " + i)).get();
                }
            }
        }
        assertThat(home.resolve("log/.kafka_cleanshutdown")).exists();
        List<String> notices = new ArrayList<>();
        try (LocalKafka kafka = LocalKafka.start(home, ListenAddress.LOOPBACK, notices::add)) {
            assertThat(kafka.bootstrapServers()).isEqualTo(first);
            assertThat(notices).as("a clean stop needs no recovery").isEmpty();
            assertThat(readAll(kafka.bootstrapServers(), "kept", 3))
                    .containsExactly("record 0", "record 1", "record 2");
        }
    }

    @Test
    void everyListenerIsOnLoopback() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(home)) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(home.resolve("server.properties"))) {
                p.load(in);
            }
            assertThat(p.getProperty("listeners"))
                    .matches("PLAINTEXT://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:\\d+");
            assertThat(p.getProperty("controller.quorum.voters")).matches("1@127\\.0\\.0\\.1:\\d+");
        }
    }

    @Test
    void aDirectoryInUseIsRefused() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(home)) {
            assertThatThrownBy(() -> LocalKafka.start(home))
                    .isInstanceOf(DirectoryInUseException.class)
                    .hasMessageContaining(
                            "the Kafka log in " + home.resolve("log").toAbsolutePath())
                    .hasMessageContaining("in use");
            assertThat(kafka.bootstrapServers()).isNotBlank();
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                bootstrap,
                                "group.id",
                                "check",
                                "auto.offset.reset",
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
