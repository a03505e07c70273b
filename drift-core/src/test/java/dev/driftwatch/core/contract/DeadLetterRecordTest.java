package dev.driftwatch.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The dead-letter record's JSON: every field, invalid UTF-8, truncation, a refused row. */
class DeadLetterRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void carriesTheReasonTheOriginAndTheOriginalBytes() throws Exception {
        byte[] original = "not json \u0000 at all".getBytes(StandardCharsets.UTF_8);
        JsonNode n =
                JSON.readTree(
                        DeadLetterRecord.json(
                                "not JSON", "driftwatch.alerts", 2, 41, null, original));
        assertThat(n.get("reason").asText()).isEqualTo("not JSON");
        assertThat(n.get("source_topic").asText()).isEqualTo("driftwatch.alerts");
        assertThat(n.get("partition").asInt()).isEqualTo(2);
        assertThat(n.get("offset").asLong()).isEqualTo(41);
        assertThat(n.has("table")).isFalse();
        assertThat(n.get("original_bytes").asInt()).isEqualTo(original.length);
        assertThat(n.get("original").asText()).isEqualTo("not json \u0000 at all");
        assertThat(Base64.getDecoder().decode(n.get("original_base64").asText()))
                .isEqualTo(original);
        assertThat(n.has("original_truncated")).isFalse();
    }

    @Test
    void invalidUtf8HasNoTextButItsBytes() throws Exception {
        byte[] original = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        JsonNode n = JSON.readTree(DeadLetterRecord.json("r", "t", 0, 0, null, original));
        assertThat(n.get("original").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(n.get("original_base64").asText()))
                .isEqualTo(original);
    }

    @Test
    void aLargeOriginalIsCutToTheLimit() throws Exception {
        byte[] original = new byte[DeadLetterRecord.ORIGINAL_LIMIT * 3];
        Arrays.fill(original, (byte) 'x');
        byte[] value = DeadLetterRecord.json("too large", "t", 0, 7, null, original);
        JsonNode n = JSON.readTree(value);
        assertThat(n.get("original_bytes").asInt()).isEqualTo(original.length);
        assertThat(n.get("original_truncated").asBoolean()).isTrue();
        assertThat(n.get("original").asText()).hasSize(DeadLetterRecord.ORIGINAL_LIMIT);
        assertThat(value.length).isLessThan(4 * DeadLetterRecord.ORIGINAL_LIMIT);
    }

    @Test
    void aRefusedRowNamesItsTableAndHasNoSource() throws Exception {
        JsonNode n =
                JSON.readTree(
                        DeadLetterRecord.json(
                                "22021", null, -1, -1, "drift_metrics", "{}".getBytes()));
        assertThat(n.get("table").asText()).isEqualTo("drift_metrics");
        assertThat(n.get("source_topic").isNull()).isTrue();
        assertThat(n.get("original_bytes").asInt()).isEqualTo(2);
        assertThat(DeadLetterRecord.json("r", null, -1, -1, null, null)).isNotEmpty();
    }
}
