package dev.driftwatch.jobs.shared;

import static dev.driftwatch.jobs.shared.SharedJobOptions.*;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Where the jobs read and write, as configured: raw records of given topics, reference profiles
 * (from the start of the compacted topic, and from files), exactly-once alert and dead-letter
 * sinks, and the PostgreSQL connection. {@code name} keeps each job's consumer group and
 * transactional ids apart.
 */
public final class JobEndpoints {
    private JobEndpoints() {}

    /** Raw records of {@code topics}; {@code bounded} stops at the offsets current at start. */
    public static KafkaSource<RawRecord> records(
            Configuration config,
            String name,
            OffsetsInitializer start,
            boolean bounded,
            String... topics) {
        return records(config, name, start, bounded, b -> b.setTopics(topics));
    }

    /**
     * Raw records of every topic matching {@code topics}, including topics created later (found by
     * the partition discovery, every 10 s); {@code bounded} stops at the offsets current at start.
     */
    public static KafkaSource<RawRecord> records(
            Configuration config,
            String name,
            OffsetsInitializer start,
            boolean bounded,
            Pattern topics) {
        return records(config, name, start, bounded, b -> b.setTopicPattern(topics));
    }

    private static KafkaSource<RawRecord> records(
            Configuration config,
            String name,
            OffsetsInitializer start,
            boolean bounded,
            Consumer<KafkaSourceBuilder<RawRecord>> subscription) {
        var b =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setGroupId(config.get(GROUP_ID) + name)
                        .setStartingOffsets(start)
                        .setDeserializer(new KafkaFormats.RawRecords())
                        .setProperty("partition.discovery.interval.ms", "10000");
        subscription.accept(b);
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** Reference profiles, read from the start of the compacted topic. */
    public static KafkaSource<ReferenceUpdate> referenceProfiles(
            Configuration config, String name, boolean bounded) {
        var b =
                KafkaSource.<ReferenceUpdate>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setTopics(config.get(REFERENCE_PROFILES_TOPIC))
                        .setGroupId(config.get(GROUP_ID) + name + "-reference-profiles")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new KafkaFormats.ReferenceProfiles());
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    private static Properties transactional() {
        Properties p = new Properties();
        p.setProperty("transaction.timeout.ms", "600000");
        return p;
    }

    /** Alerts, exactly once (Kafka transactions at each checkpoint). */
    public static KafkaSink<String> alerts(Configuration config, String name) {
        return KafkaSink.<String>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setRecordSerializer(KafkaFormats.alerts(config.get(ALERTS_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(GROUP_ID) + name + "-alerts")
                .setKafkaProducerConfig(transactional())
                .build();
    }

    /** Dead letters, exactly once. */
    public static KafkaSink<DeadLetter> deadLetters(Configuration config, String name) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setRecordSerializer(KafkaFormats.deadLetters(config.get(DEAD_LETTERS_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(GROUP_ID) + name + "-dead-letters")
                .setKafkaProducerConfig(transactional())
                .build();
    }

    /** The PostgreSQL of the metric tables. */
    public static JdbcUpsertSink.Connection database(Configuration config) {
        return new JdbcUpsertSink.Connection(
                config.get(JDBC_URL), config.get(JDBC_USER), config.get(JDBC_PASSWORD));
    }

    /**
     * A metric table's sink on the configured PostgreSQL: batches, retry backoff, and its refused
     * rows to the dead-letter topic (exactly once; {@code name} keeps the transactional ids apart).
     */
    public static <T> JdbcUpsertSink<T> metricTable(
            Configuration config, String name, JdbcUpsertSink.Upsert<T> upsert) {
        return metricTable(config, name, upsert, null);
    }

    /**
     * As {@link #metricTable(Configuration, String, JdbcUpsertSink.Upsert)}, maintaining the
     * table's {@code partitions} (null: none).
     */
    public static <T> JdbcUpsertSink<T> metricTable(
            Configuration config,
            String name,
            JdbcUpsertSink.Upsert<T> upsert,
            MetricPartitions partitions) {
        return new JdbcUpsertSink<>(
                database(config),
                config.get(SINK_BATCH_SIZE),
                JdbcUpsertSink.Backoff.of(
                        config.get(SINK_RETRY_BACKOFF), config.get(SINK_RETRY_MAX_BACKOFF)),
                upsert,
                deadLetters(config, name + "-" + upsert.table()),
                partitions);
    }

    /**
     * Reads the reference profile files named by {@link SharedJobOptions#REFERENCE_PROFILE_FILES}.
     *
     * @throws IllegalArgumentException naming a missing or invalid file
     */
    public static List<ReferenceProfile> referenceProfileFiles(Configuration config)
            throws IOException {
        List<ReferenceProfile> profiles = new ArrayList<>();
        for (String file : config.getOptional(REFERENCE_PROFILE_FILES).orElse(List.of())) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("reference profile file not found: " + file);
            }
            try {
                profiles.add(
                        ReferenceProfile.fromJson(Files.readString(p, StandardCharsets.UTF_8)));
            } catch (DriftCoreException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return profiles;
    }
}
