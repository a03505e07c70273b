package dev.driftwatch.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTest {
    @Test
    void fingerprintIsAlertmanagersFnv1aOverSortedLabels() {
        // Alertmanager: model.LabelSet{"alertname": "HighLatency", "severity":
        // "page"}.Fingerprint()
        // FNV-1a 64 over "alertname" 0xff "HighLatency" 0xff "severity" 0xff "page" 0xff, computed
        // here
        // by an independent byte-at-a-time loop in the test.
        Map<String, String> labels = Map.of("severity", "page", "alertname", "HighLatency");
        long h = 0xcbf29ce484222325L;
        for (String s : new String[] {"alertname", "HighLatency", "severity", "page"}) {
            for (byte b : s.getBytes()) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
            h = (h ^ 0xff) * 0x100000001b3L;
        }
        assertThat(Alert.fingerprint(labels)).isEqualTo(String.format("%016x", h)).hasSize(16);
        assertThat(Alert.fingerprint(Map.of("alertname", "a", "x", "1")))
                .isNotEqualTo(Alert.fingerprint(Map.of("alertname", "a", "x", "2")));
    }

    @Test
    void roundTripsAndKeepsFingerprintWhenResolved() {
        Alert firing =
                Alert.firing(
                        Map.of(
                                "alertname",
                                "FeatureDrift",
                                "model_name",
                                "fraud",
                                "feature",
                                "amount"),
                        Map.of("summary", "PSI 0.31 >= 0.25", "value", "0.31"),
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "http://localhost:8081");
        Alert back = Alert.fromJson(firing.toJson());
        assertThat(back).isEqualTo(firing);
        assertThat(back.endsAt()).isEqualTo(Alert.NO_END);
        Alert resolved =
                firing.resolve(Instant.parse("2026-11-26T10:10:00Z"), firing.annotations());
        assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
        assertThat(resolved.isFiring()).isFalse();
    }

    @Test
    void rejectsBadAlerts() {
        assertThatThrownBy(
                        () ->
                                Alert.fromJson(
                                        "{\"labels\": {}, \"startsAt\": \"2026-11-26T10:00:00Z\"}"))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("alertname");
        assertThatThrownBy(
                        () ->
                                Alert.fromJson(
                                        "{\"labels\": {\"alertname\": \"x\"}, \"startsAt\": \"yesterday\"}"))
                .hasMessageContaining("RFC 3339");
        assertThatThrownBy(
                        () ->
                                Alert.fromJson(
                                        "{\"status\": \"firing\", \"labels\": {\"alertname\": \"x\"},"
                                                + " \"startsAt\": \"2026-11-26T10:00:00Z\", \"fingerprint\":"
                                                + " \"0000000000000000\"}"))
                .hasMessageContaining("does not match");
    }
}
