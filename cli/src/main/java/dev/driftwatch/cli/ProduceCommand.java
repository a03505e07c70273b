package dev.driftwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code driftwatch produce}: replays a JSON-lines file into a topic, one message per non-empty
 * line, keyed by its {@code prediction_id} when it has one. Lines are sent as they are, valid or
 * not (the job dead-letters bad ones).
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Replay JSON lines into a Kafka topic (key = prediction_id when present).")
final class ProduceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--topic",
            required = true,
            paramLabel = "TOPIC",
            description = "Topic to write to.")
    String topic;

    @Option(
            names = "--file",
            required = true,
            paramLabel = "FILE",
            description = "JSON lines file.")
    Path file;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOSTS",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": file not found");
        }
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Producers.create(bootstrapServers);
                BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                pending.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic, key(line), line.getBytes(StandardCharsets.UTF_8))));
                sent++;
                if (pending.size() >= 10_000) {
                    for (Future<RecordMetadata> f : pending) {
                        f.get();
                    }
                    pending.clear();
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(file + ": invalid UTF-8");
        }
        System.out.println("sent " + sent + " messages to " + topic);
        return 0;
    }

    private static byte[] key(String line) {
        try {
            JsonNode id = JSON.readTree(line).get("prediction_id");
            return id != null && id.isTextual()
                    ? id.asText().getBytes(StandardCharsets.UTF_8)
                    : null;
        } catch (Exception e) {
            return null;
        }
    }
}
