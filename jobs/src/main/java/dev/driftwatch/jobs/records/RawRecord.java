package dev.driftwatch.jobs.records;

import java.util.Map;

/**
 * A Kafka record as read, before decoding: where it came from, its key, time, bytes and headers (as
 * parallel arrays, null when it has none, so the type stays a Flink POJO).
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;

    /** The record key, or null. */
    public byte[] key;

    /** The record's Kafka timestamp (epoch ms), or -1 when it has none. */
    public long timestamp = -1;

    public byte[] value;
    public String[] headerNames;
    public byte[][] headerValues;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }

    /** The headers by name (the last value of a repeated name); empty without headers. */
    public Map<String, byte[]> headers() {
        if (headerNames == null || headerNames.length == 0) {
            return Map.of();
        }
        Map<String, byte[]> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headerNames.length; i++) {
            headers.put(headerNames[i], headerValues[i]);
        }
        return headers;
    }
}
