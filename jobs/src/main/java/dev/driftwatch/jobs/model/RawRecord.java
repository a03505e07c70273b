package dev.driftwatch.jobs.model;

/** A Kafka record as read, before parsing: where it came from and its bytes. */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }
}
