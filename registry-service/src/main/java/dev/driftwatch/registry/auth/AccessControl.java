package dev.driftwatch.registry.auth;

import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import io.javalin.http.Context;

/** Checks a request's {@code Authorization: Bearer <token>} against the role an endpoint needs. */
public final class AccessControl {
    private final TokenStore tokens;

    public AccessControl(TokenStore tokens) {
        this.tokens = tokens;
    }

    /** The caller's token, when it has at least {@code needed}; 401 or 403 otherwise. */
    public AccessToken require(Context ctx, Role needed) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new RegistryException(
                    ErrorCode.UNAUTHENTICATED,
                    "This endpoint needs a bearer token (Authorization: Bearer <token>) with role "
                            + needed.wireName()
                            + " or higher.");
        }
        AccessToken token =
                tokens.authenticate(header.substring(7).strip())
                        .orElseThrow(
                                () -> {
                                    ctx.header(
                                            "WWW-Authenticate", "Bearer error=\"invalid_token\"");
                                    return new RegistryException(
                                            ErrorCode.UNAUTHENTICATED,
                                            "The bearer token is not valid.");
                                });
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
}
