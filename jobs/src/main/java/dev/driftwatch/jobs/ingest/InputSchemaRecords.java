package dev.driftwatch.jobs.ingest;

import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of the input-schemas topic ({@link InputSchemaUpdate} JSON), checked and passed on as
 * their JSON text; invalid ones are logged and skipped, tombstones ignored.
 */
public final class InputSchemaRecords implements KafkaRecordDeserializationSchema<String> {
    private static final Logger LOG = LoggerFactory.getLogger(InputSchemaRecords.class);

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<String> out) {
        if (r.value() == null) {
            return;
        }
        try {
            InputSchemaUpdate.fromJson(r.value());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Skipping invalid input schema record at {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            return;
        }
        out.collect(new String(r.value(), StandardCharsets.UTF_8));
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
