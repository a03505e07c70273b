package dev.driftwatch.ingest.formats;

/** The one rule for every string taken from a payload: bounded length, no control characters. */
final class TextCheck {
    private static final int SHOWN = 40;

    private TextCheck() {}

    /**
     * Returns {@code s} when it has at most {@code max} characters and no control character (C0,
     * DEL, C1; NUL included); otherwise rejects naming {@code what}.
     */
    static String check(String s, String what, int max) throws PayloadRejectedException {
        if (s.length() > max) {
            throw new PayloadRejectedException(
                    RejectReason.INVALID_TEXT,
                    what
                            + " has "
                            + s.length()
                            + " characters, more than the limit of "
                            + max
                            + " ("
                            + show(s)
                            + ")");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                throw new PayloadRejectedException(
                        RejectReason.INVALID_TEXT,
                        what
                                + " contains the control character U+"
                                + String.format("%04X", (int) c)
                                + " ("
                                + show(s)
                                + ")");
            }
        }
        return s;
    }

    /** An optional identifier: empty becomes null, anything else is checked. */
    static String optional(String s, String what, int max) throws PayloadRejectedException {
        return s == null || s.isEmpty() ? null : check(s, what, max);
    }

    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** A short, printable rendering of untrusted text for an error message. */
    static String show(String s) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(s.length(), SHOWN);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append(s.length() > SHOWN ? "...'" : "'");
        return sb.toString();
    }
}
