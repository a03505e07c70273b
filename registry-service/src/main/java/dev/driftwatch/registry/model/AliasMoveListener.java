package dev.driftwatch.registry.model;

import org.jdbi.v3.core.Handle;

/**
 * Told when an alias is set, inside the transaction that holds the model's row lock, so that what
 * it does (publishing the champion's reference profile) happens in the order of the moves. Throwing
 * rolls the move back.
 */
public interface AliasMoveListener {
    AliasMoveListener NONE = (handle, name, alias, version) -> {};

    void aliasMoved(Handle handle, String name, String alias, int version);
}
