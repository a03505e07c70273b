package dev.driftwatch.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * Checks a request's token: {@code Authorization: Bearer <token>}, or HTTP Basic with the token as
 * the password (any user name), which is what a logger URL with user info ({@code
 * https://ingest:TOKEN@host/}) sends. Comparison is constant-time; tokens are never logged.
 */
final class IngestTokens {
    private final List<byte[]> tokens;

    IngestTokens(List<String> tokens) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    boolean required() {
        return !tokens.isEmpty();
    }

    /** Whether the {@code Authorization} header carries an accepted token. */
    boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        String presented = null;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPassword =
                        new String(
                                Base64.getDecoder().decode(authorization.substring(6).strip()),
                                StandardCharsets.UTF_8);
                int colon = userPassword.indexOf(':');
                presented = colon < 0 ? null : userPassword.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        }
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] t : tokens) {
            ok |= MessageDigest.isEqual(p, t); // no early exit: the time does not tell which
        }
        return ok;
    }
}
