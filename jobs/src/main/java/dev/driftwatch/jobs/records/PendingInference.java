package dev.driftwatch.jobs.records;

/**
 * The state of one request id in the normalization stage: the halves received so far, until both
 * are there or the pairing TTL passes; after the pair was used, only the mark that it was (copies
 * that arrive later within the TTL are dropped).
 */
public class PendingInference {
    /** The request, or null while it has not arrived (or after the pair was used). */
    public InferenceLogPart request;

    /** The response, or null. */
    public InferenceLogPart response;

    /** The pair was turned into events (or dead-lettered); kept until the TTL passes. */
    public boolean done;

    /** Both halves are here but the model's input schema or alias is not known yet. */
    public boolean waitingForModel;

    public PendingInference() {}
}
