package dev.driftwatch.jobs.records;

/** A record the job could not use, with the reason and the original bytes. */
public class DeadLetter {
    public String reason;
    public String sourceTopic;
    public int partition;
    public long offset;
    public byte[] original;

    public DeadLetter() {}

    public DeadLetter(String reason, RawRecord record) {
        this.reason = reason;
        this.sourceTopic = record.topic;
        this.partition = record.partition;
        this.offset = record.offset;
        this.original = record.value;
    }
}
