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
 * to a quoted string, or {@code version_number} compared with a number.
 *
 * <pre>{@code
 * SearchFilter f = SearchFilter.forVersions("name = 'fraud' AND tags.team = 'risk'", List.of());
 * }</pre>
 */
public final class SearchFilter {
    private static final Pattern CLAUSE =
            Pattern.compile(
                    "^\\s*(name|run_id|source|version_number|tags\\.(?:`[^`]+`|[\\w.\\-]+))\\s*"
                            + "(=|!=|<=|>=|<|>|(?i:LIKE)|(?i:ILIKE))\\s*"
                            + "('(?:[^']|'')*'|\"[^\"]*\"|-?\\d+)\\s*$");
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
        if (filter != null && !filter.isBlank()) {
            int i = 0;
            for (String clause : splitOnAnd(filter)) {
                Matcher m = CLAUSE.matcher(clause);
                if (!m.matches()) {
                    throw RegistryException.invalid(
                            "filter: cannot parse '"
                                    + clause.strip()
                                    + "'; expected e.g. name = 'fraud', name LIKE 'fr%',"
                                    + " tags.team = 'risk' or version_number > 3, joined by AND");
                }
                String field = m.group(1);
                String op = m.group(2).toUpperCase(Locale.ROOT);
                String literal = m.group(3);
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
                    params.put(key, Integer.parseInt(literal));
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
