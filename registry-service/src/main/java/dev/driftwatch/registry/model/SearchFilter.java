package dev.driftwatch.registry.model;

import dev.driftwatch.registry.RegistryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MLflow's search {@code filter} and {@code order_by}, turned into a SQL condition with bound
 * parameters. Supported: clauses joined by {@code AND}, each {@code name}, {@code run_id}, {@code
 * source} or {@code tags.<key>} compared with {@code =}, {@code !=}, {@code LIKE} or {@code ILIKE}
 * to a quoted string, or {@code version_number} compared with a number. A filter is at most {@value
 * #MAX_LENGTH} characters (longer: 400); clauses are read by a scanner that does one step per
 * character, without recursion or backtracking, so no literal can exhaust the stack.
 *
 * <pre>{@code
 * SearchFilter f = SearchFilter.forVersions("name = 'fraud' AND tags.team = 'risk'", List.of());
 * }</pre>
 */
public final class SearchFilter {
    /** The longest filter accepted. */
    public static final int MAX_LENGTH = 4096;

    private static final java.util.Set<String> FIELDS =
            java.util.Set.of("name", "run_id", "source", "version_number");
    private static final List<String> OPERATORS = List.of("!=", "<=", ">=", "=", "<", ">");

    /** One clause as read: field, operator (upper case) and literal as written. */
    record Clause(String field, String op, String literal) {}

    private static final Pattern ORDER =
            Pattern.compile("^\\s*([a-z_]+)(?:\\s+(?i:(ASC|DESC)))?\\s*$");

    private final String where;
    private final String orderBy;
    private final Map<String, Object> params;

    private SearchFilter(String where, String orderBy, Map<String, Object> params) {
        this.where = where;
        this.orderBy = orderBy;
        this.params = params;
    }

    /** A filter over {@code registered_models m}. */
    public static SearchFilter forModels(String filter, List<String> orderBy) {
        return parse(
                filter,
                orderBy,
                "m",
                "registered_model_tags t WHERE t.name = m.name",
                Map.of(
                        "name", "m.name",
                        "creation_timestamp", "m.creation_timestamp",
                        "last_updated_timestamp", "m.last_updated_timestamp",
                        "timestamp", "m.last_updated_timestamp"),
                "m.name ASC");
    }

    /** A filter over {@code model_versions v}. */
    public static SearchFilter forVersions(String filter, List<String> orderBy) {
        return parse(
                filter,
                orderBy,
                "v",
                "model_version_tags t WHERE t.name = v.name AND t.version = v.version",
                Map.of(
                        "name", "v.name",
                        "version_number", "v.version",
                        "creation_timestamp", "v.creation_timestamp",
                        "last_updated_timestamp", "v.last_updated_timestamp",
                        "timestamp", "v.last_updated_timestamp"),
                "v.name ASC, v.version DESC");
    }

    public String where() {
        return where;
    }

    public String orderBy() {
        return orderBy;
    }

    /** Parameters bound under the {@code p} prefix ({@code :p.x}). */
    public Map<String, Object> params() {
        return params;
    }

    private static SearchFilter parse(
            String filter,
            List<String> orderBy,
            String table,
            String tagJoin,
            Map<String, String> orderColumns,
            String defaultOrder) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter != null && filter.length() > MAX_LENGTH) {
            throw RegistryException.invalid(
                    "filter: at most " + MAX_LENGTH + " characters; was " + filter.length());
        }
        if (filter != null && !filter.isBlank()) {
            int i = 0;
            for (String text : splitOnAnd(filter)) {
                Clause clause =
                        clause(text)
                                .orElseThrow(
                                        () ->
                                                RegistryException.invalid(
                                                        "filter: cannot parse '"
                                                                + clip(text.strip())
                                                                + "'; expected e.g. name = 'fraud',"
                                                                + " name LIKE 'fr%', tags.team ="
                                                                + " 'risk' or version_number > 3,"
                                                                + " joined by AND"));
                String field = clause.field();
                String op = clause.op();
                String literal = clause.literal();
                boolean numeric = !literal.startsWith("'") && !literal.startsWith("\"");
                String key = "v" + i;
                String keyName = "k" + i;
                i++;
                if (field.equals("version_number")) {
                    if (!table.equals("v") || !numeric || op.contains("LIKE")) {
                        throw RegistryException.invalid(
                                "filter: version_number compares with a number, on model versions"
                                        + " only");
                    }
                    try {
                        params.put(key, Integer.parseInt(literal));
                    } catch (NumberFormatException e) {
                        throw RegistryException.invalid(
                                "filter: version_number compares with a whole number up to "
                                        + Integer.MAX_VALUE);
                    }
                    conditions.add("v.version " + op + " :p." + key);
                    continue;
                }
                if (numeric) {
                    throw RegistryException.invalid(
                            "filter: " + field + " compares with a quoted string");
                }
                if (!op.equals("=") && !op.equals("!=") && !op.contains("LIKE")) {
                    throw RegistryException.invalid(
                            "filter: " + field + " supports =, !=, LIKE and ILIKE");
                }
                params.put(key, unquote(literal));
                if (field.startsWith("tags.")) {
                    String tagKey = field.substring(5);
                    if (tagKey.startsWith("`")) {
                        tagKey = tagKey.substring(1, tagKey.length() - 1);
                    }
                    params.put(keyName, tagKey);
                    conditions.add(
                            "EXISTS (SELECT 1 FROM "
                                    + tagJoin
                                    + " AND t.key = :p."
                                    + keyName
                                    + " AND t.value "
                                    + op
                                    + " :p."
                                    + key
                                    + ")");
                } else {
                    if (!table.equals("v") && !field.equals("name")) {
                        throw RegistryException.invalid(
                                "filter: registered models can be filtered by name and tags only");
                    }
                    conditions.add(table + "." + field + " " + op + " :p." + key);
                }
            }
        }
        List<String> order = new ArrayList<>();
        for (String o : orderBy == null ? List.<String>of() : orderBy) {
            Matcher m = ORDER.matcher(o);
            if (!m.matches() || !orderColumns.containsKey(m.group(1))) {
                throw RegistryException.invalid(
                        "order_by: cannot use '"
                                + o
                                + "'; allowed: "
                                + String.join(", ", new java.util.TreeSet<>(orderColumns.keySet()))
                                + " with optional ASC or DESC");
            }
            String direction = m.group(2) == null ? "ASC" : m.group(2).toUpperCase(Locale.ROOT);
            order.add(orderColumns.get(m.group(1)) + " " + direction);
        }
        order.add(defaultOrder);
        String where = conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
        return new SearchFilter(where, String.join(", ", order), params);
    }

    /**
     * Reads {@code field op literal} from {@code text}, one character at a time; empty when it is
     * not one.
     */
    static java.util.Optional<Clause> clause(String text) {
        int n = text.length();
        int i = skipSpace(text, 0);
        int start = i;
        String field;
        if (text.startsWith("tags.", i)) {
            i += 5;
            if (i < n && text.charAt(i) == '`') {
                int close = text.indexOf('`', i + 1);
                if (close < 0 || close == i + 1) {
                    return java.util.Optional.empty();
                }
                i = close + 1;
            } else {
                int keyStart = i;
                while (i < n
                        && (Character.isLetterOrDigit(text.charAt(i))
                                || "_.-".indexOf(text.charAt(i)) >= 0)) {
                    i++;
                }
                if (i == keyStart) {
                    return java.util.Optional.empty();
                }
            }
            field = text.substring(start, i);
        } else {
            while (i < n && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '_')) {
                i++;
            }
            field = text.substring(start, i);
            if (!FIELDS.contains(field)) {
                return java.util.Optional.empty();
            }
        }
        i = skipSpace(text, i);
        String op = null;
        for (String o : OPERATORS) {
            if (text.startsWith(o, i)) {
                op = o;
                break;
            }
        }
        if (op == null) {
            for (String o : List.of("ILIKE", "LIKE")) {
                if (text.regionMatches(true, i, o, 0, o.length())) {
                    op = o;
                    break;
                }
            }
        }
        if (op == null) {
            return java.util.Optional.empty();
        }
        i = skipSpace(text, i + op.length());
        int litStart = i;
        if (i >= n) {
            return java.util.Optional.empty();
        }
        char c = text.charAt(i);
        if (c == '\'') {
            i++;
            while (true) {
                if (i >= n) {
                    return java.util.Optional.empty();
                }
                if (text.charAt(i) == '\'') {
                    if (i + 1 < n && text.charAt(i + 1) == '\'') {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        } else if (c == '"') {
            int close = text.indexOf('"', i + 1);
            if (close < 0) {
                return java.util.Optional.empty();
            }
            i = close + 1;
        } else {
            if (c == '-') {
                i++;
            }
            int digits = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return java.util.Optional.empty();
            }
        }
        String literal = text.substring(litStart, i);
        if (skipSpace(text, i) != n) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Clause(field, op.toUpperCase(Locale.ROOT), literal));
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static String unquote(String literal) {
        String inner = literal.substring(1, literal.length() - 1);
        return literal.startsWith("'") ? inner.replace("''", "'") : inner;
    }

    /** Splits on the word AND outside quotes. */
    static List<String> splitOnAnd(String filter) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        int i = 0;
        while (i < filter.length()) {
            char c = filter.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                current.append(c);
                i++;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                current.append(c);
                i++;
                continue;
            }
            if (filter.regionMatches(true, i, " and ", 0, 5)) {
                parts.add(current.toString());
                current.setLength(0);
                i += 5;
                continue;
            }
            current.append(c);
            i++;
        }
        if (quote != 0) {
            throw RegistryException.invalid("filter: unterminated quote");
        }
        parts.add(current.toString());
        return parts;
    }
}
