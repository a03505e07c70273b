package dev.driftwatch.registry.auth;

import dev.driftwatch.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Bearer tokens: issued once as {@code dw_<random>}, stored only as their SHA-256, looked up by
 * hash. The secret never leaves {@link #issue}.
 *
 * <pre>{@code
 * TokenStore tokens = new TokenStore(jdbi, Clock.systemUTC());
 * String secret = tokens.issue("ci", Role.OPERATOR).secret();
 * Optional<AccessToken> who = tokens.authenticate(secret);
 * }</pre>
 */
public final class TokenStore {
    /** The name of the admin token given in configuration (or generated at first start). */
    public static final String BOOTSTRAP_ADMIN = "bootstrap-admin";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;

    public TokenStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A newly issued token: its record and its secret (shown once). */
    public record IssuedToken(AccessToken token, String secret) {}

    public IssuedToken issue(String name, Role role) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw RegistryException.invalid(
                    "token name must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        String secret = newSecret();
        try {
            long id =
                    jdbi.withExtension(
                            TokenDao.class,
                            d -> d.insert(name, role.wireName(), sha256(secret), clock.millis()));
            return new IssuedToken(
                    new AccessToken(id, name, role.wireName(), clock.millis()), secret);
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            if (e.getMessage() != null && e.getMessage().contains("api_tokens_name_key")) {
                throw RegistryException.exists("A token named " + name + " already exists.");
            }
            throw e;
        }
    }

    /**
     * Makes sure an admin token exists: stores {@code configured} as the bootstrap admin token when
     * given; otherwise, when no admin token exists yet, generates one and returns its secret (to be
     * shown once). Returns empty when nothing new was generated.
     */
    public Optional<String> bootstrapAdmin(String configured) {
        if (configured != null && !configured.isEmpty()) {
            if (configured.length() < AccessControl.MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(
                        "the configured admin token must be at least 16 characters");
            }
            if (!AccessControl.wellFormed(configured) || configured.startsWith(RunTokens.PREFIX)) {
                throw new IllegalArgumentException(
                        "the configured admin token must be at most 512 printable ASCII"
                                + " characters without spaces, not starting with "
                                + RunTokens.PREFIX);
            }
            jdbi.useExtension(
                    TokenDao.class,
                    d -> d.upsert(BOOTSTRAP_ADMIN, "admin", sha256(configured), clock.millis()));
            return Optional.empty();
        }
        return jdbi.inTransaction(
                h -> {
                    h.execute("LOCK TABLE api_tokens IN EXCLUSIVE MODE");
                    TokenDao d = h.attach(TokenDao.class);
                    if (d.adminCount() > 0) {
                        return Optional.<String>empty();
                    }
                    String secret = newSecret();
                    d.upsert(BOOTSTRAP_ADMIN, "admin", sha256(secret), clock.millis());
                    return Optional.of(secret);
                });
    }

    public Optional<AccessToken> authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 512) {
            return Optional.empty();
        }
        return jdbi.withExtension(TokenDao.class, d -> d.byHash(sha256(secret)));
    }

    public List<AccessToken> list() {
        return jdbi.withExtension(TokenDao.class, TokenDao::list);
    }

    public void revoke(long id) {
        if (jdbi.withExtension(TokenDao.class, d -> d.delete(id)) == 0) {
            throw RegistryException.notFound("No token with id " + id);
        }
    }

    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "dw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
