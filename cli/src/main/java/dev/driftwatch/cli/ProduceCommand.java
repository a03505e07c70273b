package dev.driftwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch produce}: replays a JSON-lines file into a topic, one message per non-empty
 * line, keyed by its {@code prediction_id} when it has one. Lines are sent as they are, valid or
 * not (the jobs dead-letter bad ones); with {@code --restamp} every {@code timestamp} is moved by
 * the same amount so that the latest one is now.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Replay JSON lines into a Kafka topic (key = prediction_id when present).")
final class ProduceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(
            names = "--topic",
            required = true,
            paramLabel = "TOPIC",
            description = "Topic to write to (it must exist).")
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
            description = "Kafka bootstrap servers (HOST:PORT,...).")
    String bootstrapServers;

    @Option(
            names = "--restamp",
            description =
                    "Move every record's timestamp by the same amount so that the latest is now"
                            + " (order and spacing kept): replays recorded traffic as today's.")
    boolean restamp;

    @Override
    public Integer call() throws Exception {
        Options.requireName("--topic", topic);
        Options.requireBootstrapServers("--bootstrap-servers", bootstrapServers);
        Options.requireFile(file);
        long shiftMs = restamp ? System.currentTimeMillis() - latestTimestamp() : 0;
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Producers.open(bootstrapServers, topic);
                BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode json = parse(line);
                String value = shiftMs != 0 ? shifted(line, json, shiftMs) : line;
                pending.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic, key(json), value.getBytes(StandardCharsets.UTF_8))));
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
        } catch (MalformedInputException e) {
            throw new InputException(file + ": invalid UTF-8");
        }
        spec.commandLine()
                .getOut()
                .println(
                        "sent "
                                + sent
                                + " messages to "
                                + topic
                                + (restamp
                                        ? " (timestamps moved by " + shiftMs / 1000 + " s)"
                                        : ""));
        return 0;
    }

    /** The latest {@code timestamp} in the file (epoch ms), read in a first pass. */
    private long latestTimestamp() throws IOException {
        long latest = Long.MIN_VALUE;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode json = parse(line);
                if (json != null) {
                    OptionalLong t = epochMillis(json.get("timestamp"));
                    if (t.isPresent()) {
                        latest = Math.max(latest, t.getAsLong());
                    }
                }
            }
        } catch (MalformedInputException e) {
            throw new InputException(file + ": invalid UTF-8");
        }
        if (latest == Long.MIN_VALUE) {
            throw new InputException(file + ": --restamp found no record with a timestamp to move");
        }
        return latest;
    }

    /** The line with its timestamp moved, in the format it had (epoch ms or RFC 3339). */
    private static String shifted(String line, JsonNode json, long shiftMs) {
        if (json == null || !json.isObject()) {
            return line;
        }
        JsonNode ts = json.get("timestamp");
        OptionalLong t = epochMillis(ts);
        if (t.isEmpty()) {
            return line;
        }
        long moved = t.getAsLong() + shiftMs;
        ObjectNode copy = (ObjectNode) json;
        if (ts.isNumber()) {
            copy.put("timestamp", moved);
        } else {
            copy.put("timestamp", Instant.ofEpochMilli(moved).toString());
        }
        return copy.toString();
    }

    private static OptionalLong epochMillis(JsonNode ts) {
        if (ts == null) {
            return OptionalLong.empty();
        }
        if (ts.isIntegralNumber() && ts.canConvertToLong()) {
            return OptionalLong.of(ts.asLong());
        }
        if (ts.isTextual()) {
            try {
                return OptionalLong.of(
                        OffsetDateTime.parse(ts.asText()).toInstant().toEpochMilli());
            } catch (DateTimeParseException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null; // sent as it is: the jobs dead-letter it with the reason
        }
    }

    private static byte[] key(JsonNode json) {
        JsonNode id = json == null ? null : json.get("prediction_id");
        return id != null && id.isTextual() ? id.asText().getBytes(StandardCharsets.UTF_8) : null;
    }
}
