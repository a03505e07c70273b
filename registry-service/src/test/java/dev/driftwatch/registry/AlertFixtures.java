package dev.driftwatch.registry;

import dev.driftwatch.core.alert.Alert;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The alert consumer tests' alerts, as the jobs write them to Kafka, and the rows stored of them.
 */
final class AlertFixtures {
    private AlertFixtures() {}

    /** The {@code i}th firing drift alert of {@code model}: feature {@code fi}, a second apart. */
    static String firing(String model, int i) {
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

    /** A record of {@code value}'s UTF-8 bytes, without a key. */
    static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The alerts stored of {@code model}. */
    static int stored(DataSource db, String model) throws Exception {
        return count(db, "SELECT count(*) FROM alerts WHERE model_name = '" + model + "'");
    }

    /** The number {@code sql}, a {@code SELECT count(*)}, answers. */
    static int count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
