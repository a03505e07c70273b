package dev.driftwatch.jobs.ingest;

import static dev.driftwatch.jobs.ingest.InferenceLogOptions.*;
import static dev.driftwatch.jobs.shared.SharedJobOptions.BOOTSTRAP_SERVERS;
import static dev.driftwatch.jobs.shared.SharedJobOptions.GROUP_ID;

import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.shared.JobEndpoints;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The inputs of the normalization stage: KServe CloudEvents (the ingest endpoint's raw topic),
 * Seldon Core 2 records, and the models' input schemas and aliases. A job reads inference logs when
 * at least one of the first two is set.
 *
 * <pre>{@code
 * InferenceLogSources sources = InferenceLogSources.withKafka(config, "", OffsetsInitializer.earliest(), false);
 * }</pre>
 *
 * @param kserve KServe CloudEvents, or null when not read
 * @param seldon Seldon Core 2 records, or null when not read
 * @param inputSchemas input-schema records ({@code InputSchemaUpdate} JSON)
 */
public record InferenceLogSources(
        Source<RawRecord, ?, ?> kserve,
        Source<RawRecord, ?, ?> seldon,
        Source<String, ?, ?> inputSchemas) {

    /**
     * The sources {@link InferenceLogOptions#INFERENCE_LOGS} asks for, on Kafka; null when it asks
     * for none. {@code name} keeps each job's consumer groups apart.
     */
    public static InferenceLogSources withKafka(
            Configuration config, String name, OffsetsInitializer start, boolean bounded) {
        boolean kserve = reads(config, KSERVE);
        boolean seldon = reads(config, SELDON);
        if (!kserve && !seldon) {
            return null;
        }
        var schemas =
                KafkaSource.<String>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setTopics(config.get(INPUT_SCHEMAS_TOPIC))
                        .setGroupId(config.get(GROUP_ID) + name + "-input-schemas")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new InputSchemaRecords());
        if (bounded) {
            schemas.setBounded(OffsetsInitializer.latest());
        }
        return new InferenceLogSources(
                kserve
                        ? JobEndpoints.records(
                                config,
                                name + "-inference-logs",
                                start,
                                bounded,
                                config.get(INFERENCE_LOGS_TOPIC))
                        : null,
                seldon
                        ? JobEndpoints.records(
                                config,
                                name + "-seldon",
                                start,
                                bounded,
                                Pattern.compile(config.get(SELDON_TOPIC_PATTERN)))
                        : null,
                schemas.build());
    }
}
