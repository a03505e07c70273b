package dev.driftwatch.registry.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's browser sessions, kept in memory: an opaque random id (32 bytes, base64url) maps to
 * the token that logged in (its id, never its secret) until the session expires or logs out. A
 * registry restart ends every session.
 */
public final class ConsoleSessions {
    /** How long a session lasts after login. */
    public static final Duration LIFETIME = Duration.ofHours(8);

    /** The most sessions kept at once; a new login beyond it ends the one closest to expiry. */
    public static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A logged-in browser: the token's id, name and role, and when the session ends. */
    public record Session(long tokenId, String tokenName, String role, long expiresAtMillis) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    public ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** Opens a session for the token and returns its id (the cookie's value). */
    public String open(long tokenId, String tokenName, String role) {
        long now = clock.millis();
        sessions.values().removeIf(s -> s.expiresAtMillis() <= now);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream()
                    .min(Comparator.comparingLong(e -> e.getValue().expiresAtMillis()))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new Session(tokenId, tokenName, role, now + LIFETIME.toMillis()));
        return id;
    }

    /** The live session of that id; an expired one is removed. */
    public Optional<Session> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (s.expiresAtMillis() <= clock.millis()) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Ends the session of that id (logout). */
    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Sessions currently held (expired ones not yet removed included). */
    public int size() {
        return sessions.size();
    }
}
