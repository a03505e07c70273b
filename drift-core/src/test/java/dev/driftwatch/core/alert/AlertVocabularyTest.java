package dev.driftwatch.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import org.junit.jupiter.api.Test;

/** The severity vocabulary and the alert names, as written in alert labels. */
class AlertVocabularyTest {
    @Test
    void severitiesAreAlertmanagersFourInLowerCase() {
        assertThat(Severity.values())
                .extracting(Severity::label)
                .containsExactly("critical", "error", "warning", "info");
        assertThat(Severity.of(" Warning ")).isEqualTo(Severity.WARNING);
        assertThat(Severity.isLabel("info")).isTrue();
        assertThat(Severity.isLabel("Info")).isFalse();
        assertThatThrownBy(() -> Severity.of("page"))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("critical, error, warning or info, was 'page'");
    }

    @Test
    void alertNamesAreTheLabelValues() {
        assertThat(AlertName.values())
                .extracting(AlertName::label)
                .containsExactly(
                        "FeatureDrift",
                        "MetricThreshold",
                        "PerformanceThreshold",
                        "PerformanceDrop",
                        "EstimatedPerformanceThreshold",
                        "EstimatedPerformanceDrop",
                        "EstimationError");
        assertThat(AlertName.of("PerformanceDrop")).isEqualTo(AlertName.PERFORMANCE_DROP);
        assertThat(AlertName.of("SomethingElse")).isNull();
    }
}
