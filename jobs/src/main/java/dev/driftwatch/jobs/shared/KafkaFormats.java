package dev.driftwatch.jobs.shared;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.contract.DeadLetterRecord;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the job's records are read from and written to Kafka. */
public final class KafkaFormats {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFormats.class);

    /** Header carrying a dead letter's reason. */
    public static final String REASON_HEADER = DeadLetterRecord.REASON_HEADER;

    private KafkaFormats() {}

    /**
     * Event records as raw bytes with their origin and headers (decoding happens in the job, never
     * here).
     */
    public static final class RawRecords implements KafkaRecordDeserializationSchema<RawRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
            RawRecord raw = new RawRecord(r.topic(), r.partition(), r.offset(), r.value());
            raw.key = r.key();
            raw.timestamp = r.timestamp();
            org.apache.kafka.common.header.Header[] headers = r.headers().toArray();
            if (headers.length > 0) {
                raw.headerNames = new String[headers.length];
                raw.headerValues = new byte[headers.length][];
                for (int i = 0; i < headers.length; i++) {
                    raw.headerNames[i] = headers[i].key();
                    raw.headerValues[i] = headers[i].value();
                }
            }
            out.collect(raw);
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return Types.POJO(RawRecord.class);
        }
    }

    /**
     * Reference profiles (JSON values of the compacted topic); invalid ones are logged and skipped.
     */
    public static final class ReferenceProfiles
            implements KafkaRecordDeserializationSchema<ReferenceUpdate> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<ReferenceUpdate> out) {
            if (r.value() == null) {
                return; // tombstone
            }
            try {
                out.collect(
                        ReferenceUpdate.of(
                                ReferenceProfile.fromJson(
                                        new String(r.value(), StandardCharsets.UTF_8))));
            } catch (DriftCoreException e) {
                LOG.warn(
                        "Skipping invalid reference profile at {}-{}@{}: {}",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getMessage());
            }
        }

        @Override
        public TypeInformation<ReferenceUpdate> getProducedType() {
            return Types.POJO(ReferenceUpdate.class);
        }
    }

    /** The most bytes of the original record a dead letter carries (as text and as base64). */
    public static final int DEAD_LETTER_ORIGINAL_LIMIT = DeadLetterRecord.ORIGINAL_LIMIT;

    /**
     * Dead letters as JSON: reason, origin, the original's size and its bytes (as text when valid
     * UTF-8; the first {@link #DEAD_LETTER_ORIGINAL_LIMIT} bytes of a larger one, with {@code
     * original_truncated}).
     */
    public static KafkaRecordSerializationSchema<DeadLetter> deadLetters(String topic) {
        return (d, context, timestamp) -> {
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(topic, null, null, null, deadLetterJson(d));
            record.headers().add(REASON_HEADER, d.reason.getBytes(StandardCharsets.UTF_8));
            return record;
        };
    }

    static byte[] deadLetterJson(DeadLetter d) {
        return DeadLetterRecord.json(
                d.reason, d.sourceTopic, d.partition, d.offset, d.table, d.original);
    }

    /**
     * Alerts as their JSON, keyed by fingerprint. Records carry the broker's time, not the event
     * time (brokers reject timestamps far from their clock).
     */
    public static KafkaRecordSerializationSchema<String> alerts(String topic) {
        return (json, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        null,
                        null,
                        Alert.fromJson(json).fingerprint().getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8));
    }
}
