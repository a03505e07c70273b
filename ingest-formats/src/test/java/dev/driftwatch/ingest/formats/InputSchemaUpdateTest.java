package dev.driftwatch.ingest.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The input-schema record the registry writes and the jobs read: round trip and bad records. */
class InputSchemaUpdateTest {
    static InputSchemaUpdate read(String json) {
        return InputSchemaUpdate.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsWithAliasesSortedAndUnknownFieldsIgnored() {
        InputSchemaUpdate u =
                new InputSchemaUpdate(
                        "iris",
                        InputSchema.of(List.of("sepal_length", "sepal_width"), "probability"),
                        Map.of("challenger", "4", "champion", "3"));
        String json = new String(u.toJson(), StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo(
                        "{\"model_name\":\"iris\",\"feature_names\":[\"sepal_length\","
                                + "\"sepal_width\"],\"prediction_output\":\"probability\","
                                + "\"aliases\":{\"challenger\":\"4\",\"champion\":\"3\"}}");
        assertThat(read(json)).isEqualTo(u);
        assertThat(read(json).version("champion")).isEqualTo("3");
        assertThat(read(json).version("shadow")).isNull();

        InputSchemaUpdate minimal =
                read("{\"model_name\": \"m\", \"later_field\": [1, {\"x\": 2}]}");
        assertThat(minimal.schema()).isEqualTo(InputSchema.NONE);
        assertThat(minimal.aliases()).isEmpty();
    }

    @Test
    void badRecordsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> read("")).hasMessageContaining("empty input schema record");
        assertThatThrownBy(() -> read("[1]")).hasMessageContaining("is a JSON object");
        assertThatThrownBy(() -> read("{\"feature_names\": []}"))
                .hasMessageContaining("missing field 'model_name'");
        assertThatThrownBy(() -> read("{\"model_name\": \"m\", \"model_name\": \"n\"}"))
                .hasMessageContaining("malformed input schema record");
        assertThatThrownBy(() -> read("{\"model_name\": \"m\", \"feature_names\": [\"a\", \"a\"]}"))
                .hasMessageContaining("duplicate feature name 'a'");
        assertThatThrownBy(() -> read("{\"model_name\": \"m\\u0000\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("{\"model_name\": \"m\", \"aliases\": {\"champion\": 3}}"))
                .hasMessageContaining("must be a string");
        assertThatThrownBy(() -> read("{\"model_name\": \"m\"} trailing"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("{\"model_name\": \"" + "x".repeat(257) + "\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
