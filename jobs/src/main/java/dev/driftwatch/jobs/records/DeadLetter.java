package dev.driftwatch.jobs.records;

/**
 * A record the job could not use, with the reason and the original bytes; or a row a metric table
 * refused ({@link #table} set, the row as JSON in {@link #original}, no source topic).
 */
public class DeadLetter {
    public String reason;
    public String sourceTopic;

    /** The table that refused the row; null for input records. */
    public String table;

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
