package dev.driftwatch.core.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The value of a record on {@link Topics#DEAD_LETTERS}, as JSON: {@code reason}, {@code
 * source_topic}, {@code partition}, {@code offset}, {@code table} (only for a row a table refused),
 * {@code original_bytes} (the original's size), {@code original} (its bytes as text when they are
 * valid UTF-8, else null) and {@code original_base64}; of an original larger than {@link
 * #ORIGINAL_LIMIT} bytes both carry the first {@link #ORIGINAL_LIMIT} bytes and {@code
 * original_truncated} is true, so that every dead letter fits the topic. The reason also goes in
 * the header {@link #REASON_HEADER}.
 *
 * <pre>{@code
 * byte[] value = DeadLetterRecord.json("not JSON", "driftwatch.alerts", 0, 42, null, bytes);
 * }</pre>
 */
public final class DeadLetterRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The header carrying a dead letter's reason. */
    public static final String REASON_HEADER = "driftwatch-reason";

    /**
     * The most bytes of the original record a dead letter carries (as text and as base64): a dead
     * letter stays well under Kafka's default message size (1 MB) whatever the record was.
     */
    public static final int ORIGINAL_LIMIT = 64 * 1024;

    private DeadLetterRecord() {}

    /**
     * The dead letter's JSON. {@code sourceTopic} is null and {@code partition}, {@code offset} -1
     * when the original was no record; {@code table} is null unless a table refused the original; a
     * null {@code original} counts as empty.
     */
    public static byte[] json(
            String reason,
            String sourceTopic,
            int partition,
            long offset,
            String table,
            byte[] original) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", reason);
        n.put("source_topic", sourceTopic);
        n.put("partition", partition);
        n.put("offset", offset);
        if (table != null) {
            n.put("table", table);
        }
        byte[] kept = original == null ? new byte[0] : original;
        n.put("original_bytes", kept.length);
        if (kept.length > ORIGINAL_LIMIT) {
            kept = Arrays.copyOf(kept, ORIGINAL_LIMIT);
            n.put("original_truncated", true);
        }
        String text = utf8(kept);
        if (text != null) {
            n.put("original", text);
        } else {
            n.putNull("original");
        }
        n.put("original_base64", Base64.getEncoder().encodeToString(kept));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
