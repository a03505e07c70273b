package dev.driftwatch.cli.csv;

/**
 * How CSV cells read as numbers: the missing tokens ({@code ""}, {@code NaN}, {@code null}, {@code
 * NA}, any case) and the number syntax (decimal or scientific, optional sign, or {@code inf}/{@code
 * infinity}).
 */
public final class CellValues {
    private CellValues() {}

    /** True when a cell of a numeric column is missing. */
    public static boolean isNumericMissing(String cell) {
        String s = cell.strip();
        return s.isEmpty()
                || s.equalsIgnoreCase("nan")
                || s.equalsIgnoreCase("null")
                || s.equalsIgnoreCase("na");
    }

    /** True when a cell of a categorical column is missing (an empty field). */
    public static boolean isCategoricalMissing(String cell) {
        return cell.isEmpty();
    }

    /** The cell as a number, or NaN when it is not one (call {@link #isNumericMissing} first). */
    public static double parseNumber(String cell) {
        String s = cell.strip();
        int len = s.length();
        if (len == 0) {
            return Double.NaN;
        }
        int i = 0;
        char c0 = s.charAt(0);
        boolean negative = c0 == '-';
        if (c0 == '+' || c0 == '-') {
            i++;
        }
        String rest = s.substring(i);
        if (rest.equalsIgnoreCase("inf") || rest.equalsIgnoreCase("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        int digits = 0;
        while (i < len && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < len && s.charAt(i) == '.') {
            i++;
            while (i < len && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < len && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < len && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return Double.NaN;
            }
        }
        if (i != len) {
            return Double.NaN;
        }
        return Double.parseDouble(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
