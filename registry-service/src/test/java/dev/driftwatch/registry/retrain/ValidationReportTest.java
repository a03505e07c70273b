package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.registry.RegistryException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A validation report is read strictly: a misplaced value is refused by its path. */
class ValidationReportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ValidationReport parse(String s) throws Exception {
        return ValidationReport.parse(JSON.readTree(s));
    }

    @Test
    void aWellFormedReportIsRead() throws Exception {
        ValidationReport r =
                parse(
                        """
                        {"candidate": {"roc_auc": 0.93, "latency_p99_ms": 12},
                         "champion": {"roc_auc": 0.9},
                         "segments": {"roc_auc": {"eu": 0.93, "us": 0.92}}}
                        """);
        assertThat(r.candidate())
                .containsEntry("roc_auc", 0.93)
                .containsEntry("latency_p99_ms", 12.0);
        assertThat(r.champion()).isEqualTo(Map.of("roc_auc", 0.9));
        assertThat(r.segments().get("roc_auc")).containsEntry("us", 0.92);
        assertThat(ValidationReport.parse(r.toJson())).isEqualTo(r);
    }

    @Test
    void misplacedOrUnknownFieldsAreRefusedByTheirPath() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"candidate\": {\"roc_auc\": 0.93, \"champion\":"
                                                + " {\"roc_auc\": 0.9}}}"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("'candidate.champion' must be a number");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"candidate\": {\"roc_auc\": 0.93}, \"metrics\":"
                                                + " {\"champion\": {\"roc_auc\": 0.9}}}"))
                .hasMessageContaining("unknown field 'metrics'");
        assertThatThrownBy(() -> parse("{\"candidate\": {\"roc_auc\": \"0.93\"}}"))
                .hasMessageContaining("'candidate.roc_auc' must be a number");
        assertThatThrownBy(() -> parse("{\"candidate\": {}, \"segments\": {\"roc_auc\": 0.9}}"))
                .hasMessageContaining("'segments.roc_auc' must be an object");
        assertThatThrownBy(() -> parse("{\"champion\": {\"roc_auc\": 0.9}}"))
                .hasMessageContaining("validation metrics must be");
        assertThatThrownBy(() -> parse("{\"candidate\": [0.93]}"))
                .hasMessageContaining("'candidate' must be an object");
    }
}
