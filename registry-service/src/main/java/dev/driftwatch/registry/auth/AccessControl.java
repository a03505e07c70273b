package dev.driftwatch.registry.auth;

import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Checks a request's {@code Authorization: Bearer <token>}: person tokens against the role an
 * endpoint needs, a retraining run's own token ({@link RunTokens}) against the one thing it may do
 * (report its run, register its candidate, read its model). A token that cannot be one (shorter
 * than 16 or longer than 512 characters, or with characters outside printable ASCII) is refused
 * before the database is asked.
 *
 * <pre>{@code
 * AccessToken who = access.require(ctx, Role.OPERATOR);   // 401 / 403 otherwise
 * Caller caller = access.authenticate(ctx);                 // a person or a run
 * }</pre>
 */
public final class AccessControl {
    /** The shortest token there can be (a configured admin token is at least this long). */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** The longest token there can be. */
    public static final int MAX_TOKEN_LENGTH = 512;

    private final TokenStore tokens;
    private final RunTokens runTokens;

    public AccessControl(TokenStore tokens, RunTokens runTokens) {
        this.tokens = tokens;
        this.runTokens = runTokens;
    }

    /** Whether {@code secret} has the shape of a token at all (checked before any lookup). */
    public static boolean wellFormed(String secret) {
        if (secret == null
                || secret.length() < MIN_TOKEN_LENGTH
                || secret.length() > MAX_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The caller, a person or a run; 401 without a valid token. */
    public Caller authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new RegistryException(
                    ErrorCode.UNAUTHENTICATED,
                    "This endpoint needs a bearer token (Authorization: Bearer <token>).");
        }
        String secret = header.substring(7).strip();
        Optional<Caller> caller = Optional.empty();
        if (wellFormed(secret)) {
            caller =
                    secret.startsWith(RunTokens.PREFIX)
                            ? runTokens.authenticate(secret).map(Caller.Run::new)
                            : tokens.authenticate(secret).map(Caller.Person::new);
        }
        return caller.orElseThrow(
                () -> {
                    ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    return new RegistryException(
                            ErrorCode.UNAUTHENTICATED,
                            "The bearer token is not valid"
                                    + (secret.startsWith(RunTokens.PREFIX)
                                            ? " (a run's token expires when its run ends)."
                                            : "."));
                });
    }

    /** The caller's token, when it is a person's with at least {@code needed}; 401 or 403. */
    public AccessToken require(Context ctx, Role needed) {
        return requireRole(authenticate(ctx), needed);
    }

    /**
     * {@code caller}'s token, when it is a person's with at least {@code needed}; 403 otherwise.
     */
    public static AccessToken requireRole(Caller caller, Role needed) {
        if (caller instanceof Caller.Run run) {
            throw new RegistryException(
                    ErrorCode.PERMISSION_DENIED,
                    "A retraining run's token ("
                            + run.token().displayName()
                            + ") may only report its run, register its candidate and read its"
                            + " model; this needs role "
                            + needed.wireName()
                            + " or higher.");
        }
        AccessToken token = ((Caller.Person) caller).token();
        if (!token.roleValue().includes(needed)) {
            throw new RegistryException(
                    ErrorCode.PERMISSION_DENIED,
                    "Token '"
                            + token.name()
                            + "' has role "
                            + token.role()
                            + "; this needs "
                            + needed.wireName()
                            + " or higher.");
        }
        return token;
    }

    /**
     * Reading {@code model}: any person token (reader and up), or the token of a run of that model;
     * 403 otherwise.
     */
    public static void requireReaderOf(Caller caller, String model) {
        if (caller instanceof Caller.Run run && !run.token().modelName().equals(model)) {
            throw new RegistryException(
                    ErrorCode.PERMISSION_DENIED,
                    "The token of retrain run "
                            + run.token().runId()
                            + " reads model "
                            + run.token().modelName()
                            + " only.");
        }
    }

    /**
     * A report on retrain run {@code runId}'s {@code part}: only that run's own token for that
     * part, never a person's token (operators and admins included); 403 otherwise.
     */
    public static RunToken requireRunReport(Caller caller, long runId, String part) {
        if (caller instanceof Caller.Run run
                && run.token().runId() == runId
                && run.token().part().equals(part)) {
            return run.token();
        }
        throw new RegistryException(
                ErrorCode.PERMISSION_DENIED,
                "Only retrain run "
                        + runId
                        + "'s own "
                        + part
                        + " token (the DRIFTWATCH_REGISTRY_TOKEN its trainer was given) may report"
                        + " its "
                        + (part.equals("training") ? "candidate" : "validation metrics")
                        + "; "
                        + (caller instanceof Caller.Run r
                                ? "this is the token of " + r.token().displayName()
                                : "a person's token may not")
                        + ".");
    }
}
