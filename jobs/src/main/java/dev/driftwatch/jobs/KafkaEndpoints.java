package dev.driftwatch.jobs;

import static dev.driftwatch.jobs.DriftJobOptions.*;

import dev.driftwatch.jobs.model.DeadLetter;
import dev.driftwatch.jobs.model.RawRecord;
import dev.driftwatch.jobs.model.ReferenceUpdate;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The Kafka sources and sinks the jobs share: raw records of given topics, reference profiles (from
 * the start of the compacted topic), and exactly-once alert and dead-letter sinks. {@code name}
 * keeps each job's consumer group and transactional ids apart.
 */
final class KafkaEndpoints {
    private KafkaEndpoints() {}

    static KafkaSource<RawRecord> records(
            Configuration config,
            String name,
            OffsetsInitializer start,
            boolean bounded,
            String... topics) {
        var b =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setTopics(topics)
                        .setGroupId(config.get(GROUP_ID) + name)
                        .setStartingOffsets(start)
                        .setDeserializer(new KafkaFormats.RawRecords())
                        .setProperty("partition.discovery.interval.ms", "10000");
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static KafkaSource<ReferenceUpdate> referenceProfiles(
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

    static KafkaSink<String> alerts(Configuration config, String name) {
        return KafkaSink.<String>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setRecordSerializer(KafkaFormats.alerts(config.get(ALERTS_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(GROUP_ID) + name + "-alerts")
                .setKafkaProducerConfig(transactional())
                .build();
    }

    static KafkaSink<DeadLetter> deadLetters(Configuration config, String name) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setRecordSerializer(KafkaFormats.deadLetters(config.get(DEAD_LETTERS_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(GROUP_ID) + name + "-dead-letters")
                .setKafkaProducerConfig(transactional())
                .build();
    }

    static JdbcUpsertSink.Connection database(Configuration config) {
        return new JdbcUpsertSink.Connection(
                config.get(JDBC_URL), config.get(JDBC_USER), config.get(JDBC_PASSWORD));
    }
}
