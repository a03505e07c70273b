package dev.driftwatch.core.event;

/**
 * A key made of several strings that no choice of strings can forge: every part is written as its
 * length, a colon and the part itself ({@code of("a/b", "c")} is {@code "3:a/b1:c"}, {@code of("a",
 * "b/c")} is {@code "1:a3:b/c"}), so two different lists of parts never give the same key whatever
 * characters the parts hold (separators, NUL, digits, colons). A null part is written as {@code
 * "-"}, distinct from every length prefix.
 */
public final class CompositeKey {
    private CompositeKey() {}

    public static String of(String a, String b) {
        StringBuilder s = new StringBuilder(length(a) + length(b));
        return append(append(s, a), b).toString();
    }

    public static String of(String a, String b, String c) {
        StringBuilder s = new StringBuilder(length(a) + length(b) + length(c));
        return append(append(append(s, a), b), c).toString();
    }

    public static String of(String... parts) {
        int n = 0;
        for (String p : parts) {
            n += length(p);
        }
        StringBuilder s = new StringBuilder(n);
        for (String p : parts) {
            append(s, p);
        }
        return s.toString();
    }

    /**
     * The first part of a key made by {@link #of} (null for a null part).
     *
     * @throws IllegalArgumentException when {@code key} is not such a key
     */
    public static String first(String key) {
        if (key.startsWith("-")) {
            return null;
        }
        int colon = key.indexOf(':');
        try {
            int n = Integer.parseInt(key, 0, colon, 10);
            return key.substring(colon + 1, colon + 1 + n);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a composite key: " + key, e);
        }
    }

    private static int length(String part) {
        return part == null ? 1 : part.length() + 11;
    }

    private static StringBuilder append(StringBuilder s, String part) {
        if (part == null) {
            return s.append('-');
        }
        return s.append(part.length()).append(':').append(part);
    }
}
