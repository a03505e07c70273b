package dev.driftwatch.registry.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Outages are told from refused data by SQLState and kind; descriptions carry no message. */
class DatabaseErrorsTest {

    @Test
    void connectionFailuresAndOperatorInterventionsAreOutages() {
        for (String state : new String[] {"08001", "08006", "53300", "57P01", "57P03"}) {
            assertThat(DatabaseErrors.isOutage(wrapped(new SQLException("x", state))))
                    .as(state)
                    .isTrue();
        }
        assertThat(
                        DatabaseErrors.isOutage(
                                wrapped(new SQLTransientConnectionException("pool timeout"))))
                .isTrue();
    }

    @Test
    void refusedDataIsNotAnOutage() {
        // NUL in text, timestamp out of range, index row too large, unique violation, no state
        for (String state : new String[] {"22021", "22008", "54000", "23505", null}) {
            assertThat(DatabaseErrors.isOutage(wrapped(new SQLException("x", state))))
                    .as(String.valueOf(state))
                    .isFalse();
        }
        assertThat(DatabaseErrors.isOutage(new IllegalStateException("not a database error")))
                .isFalse();
    }

    @Test
    void aDescriptionNamesKindAndStateButNeverTheMessage() {
        String described =
                DatabaseErrors.describe(
                        wrapped(
                                new SQLException(
                                        "ERROR: value https://hooks.example/T0K3N too long",
                                        "54000")));
        assertThat(described)
                .isEqualTo("IllegalStateException (SQLException, SQLState 54000)")
                .doesNotContain("T0K3N");
        assertThat(DatabaseErrors.describe(new IllegalArgumentException("plain"))).isNull();
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new IllegalStateException("statement failed: arguments T0K3N", cause);
    }
}
