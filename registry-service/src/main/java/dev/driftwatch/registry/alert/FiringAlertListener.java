package dev.driftwatch.registry.alert;

import dev.driftwatch.core.alert.Alert;
import org.jdbi.v3.core.Handle;

/**
 * Told about each newly stored firing alert occurrence, inside the transaction that stores it (so
 * what it records, e.g. a requested retraining run, commits or rolls back with the alert).
 */
public interface FiringAlertListener {
    FiringAlertListener NONE = (handle, alertId, alert) -> {};

    void firing(Handle handle, long alertId, Alert alert);
}
