package dev.driftwatch.core.event;

/**
 * Where an {@link EventDecoder} puts what it decoded from a record: its events, and the rejection
 * of what broke the contract. The caller implements it once and reuses it for every record.
 */
public interface DecodedEvents {
    /** An event of the record, valid by the contract. */
    void accept(PredictionEvent event);

    /** The record, or a part of it, broke the contract. */
    void reject(Rejection rejection);
}
