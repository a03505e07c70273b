package dev.driftwatch.jobs.records;

/**
 * One logged half of an inference, a request or a response, as read from its record's envelope
 * (CloudEvent headers, or a Seldon topic and key) before its payload is decoded: what pairs it with
 * the other half, whose model it is, its time, and the payload and origin of the record.
 */
public class InferenceLogPart {
    /** Pairs the request with its response: the source, the model and the request id. */
    public String pairKey;

    /** True for a Seldon Core 2 record, false for a KServe CloudEvent. */
    public boolean seldon;

    /** True for a response, false for a request. */
    public boolean response;

    /** The request id the row ids derive from. */
    public String requestId;

    public String modelName;

    /** KServe's {@code ce-endpoint} ({@code default}, {@code canary}), or null. */
    public String endpoint;

    /** Event time (epoch ms): KServe's {@code ce-time}, else the Kafka record time. */
    public long timestamp;

    /** The payload is Open Inference Protocol protobuf (else JSON). */
    public boolean protobuf;

    public byte[] value;

    /** Where the record came from, for its dead letter. */
    public String topic;

    public int partition;
    public long offset;

    public InferenceLogPart() {}

    /** The dead letter of this record with {@code reason}. */
    public DeadLetter deadLetter(String reason) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.sourceTopic = topic;
        d.partition = partition;
        d.offset = offset;
        d.original = value;
        return d;
    }
}
