package dev.driftwatch.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Composite keys are unambiguous for any strings, separators and NUL included. */
class CompositeKeyTest {
    @Test
    void partsThatConcatenateAlikeGiveDifferentKeys() {
        assertThat(CompositeKey.of("a/b", "c")).isNotEqualTo(CompositeKey.of("a", "b/c"));
        assertThat(CompositeKey.of("a\0b", "c")).isNotEqualTo(CompositeKey.of("a", "b\0c"));
        assertThat(CompositeKey.of("1:a", "")).isNotEqualTo(CompositeKey.of("", "1:a"));
        assertThat(CompositeKey.of("a", "b", "")).isNotEqualTo(CompositeKey.of("a", "", "b"));
        assertThat(CompositeKey.of("a", null)).isNotEqualTo(CompositeKey.of("a", ""));
        assertThat(CompositeKey.of("a", "b", "c"))
                .isEqualTo(CompositeKey.of(new String[] {"a", "b", "c"}));
        assertThat(CompositeKey.of("a/b", "c")).isEqualTo("3:a/b1:c");
        assertThat(CompositeKey.first(CompositeKey.of("12:3:x", "c"))).isEqualTo("12:3:x");
        assertThat(CompositeKey.first(CompositeKey.of("", "c"))).isEmpty();
        assertThat(CompositeKey.first(CompositeKey.of(null, "c"))).isNull();
    }

    /** Every split of every string over a hostile alphabet into three parts has its own key. */
    @Test
    void noTwoSplitsOfAnyStringCollide() {
        char[] alphabet = {'a', '/', ':', '1', '\0', '-'};
        Map<String, List<String>> seen = new HashMap<>();
        for (String s : strings(alphabet, 5)) {
            for (int i = 0; i <= s.length(); i++) {
                for (int j = i; j <= s.length(); j++) {
                    List<String> parts =
                            List.of(s.substring(0, i), s.substring(i, j), s.substring(j));
                    List<String> before =
                            seen.putIfAbsent(
                                    CompositeKey.of(parts.get(0), parts.get(1), parts.get(2)),
                                    parts);
                    assertThat(before == null || before.equals(parts))
                            .as("%s and %s", before, parts)
                            .isTrue();
                }
            }
        }
        assertThat(seen).hasSizeGreaterThan(50_000);
    }

    private static List<String> strings(char[] alphabet, int maxLength) {
        List<String> out = new ArrayList<>(List.of(""));
        List<String> last = List.of("");
        for (int n = 1; n <= maxLength; n++) {
            List<String> next = new ArrayList<>();
            for (String s : last) {
                for (char c : alphabet) {
                    next.add(s + c);
                }
            }
            out.addAll(next);
            last = next;
        }
        return out;
    }
}
