package dev.driftwatch.ingest.formats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test views of decoded rows: each row as an ordered map feature name to value. */
final class Rows {
    private Rows() {}

    /** Numbers as Double, strings as String, missing as null. */
    static List<Map<String, Object>> of(FeatureRows rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FeatureRow r : rows.rows()) {
            out.add(of(r));
        }
        return out;
    }

    static Map<String, Object> of(FeatureRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
            Object v = r.strings()[i] != null ? r.strings()[i] : null;
            if (v == null && !Double.isNaN(r.numbers()[i])) {
                v = r.numbers()[i];
            }
            m.put(r.names()[i], v);
        }
        return m;
    }

    static Map<String, Object> row(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            Object v = nameValue[i + 1];
            m.put((String) nameValue[i], v instanceof Number n ? (Object) n.doubleValue() : v);
        }
        return m;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
