package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.TokenStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /api/v1/tokens} (admin only): issue a token (its secret is in this one answer only), list
 * tokens (never their secrets), revoke one.
 */
public final class TokenApi {
    private final TokenStore tokens;
    private final AccessControl access;
    private final int maxBodyBytes;

    public TokenApi(TokenStore tokens, AccessControl access, int maxBodyBytes) {
        this.tokens = tokens;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/tokens", this::issue);
        routes.get("/api/v1/tokens", this::list);
        routes.delete("/api/v1/tokens/{id}", this::revoke);
    }

    private void issue(Context ctx) {
        access.require(ctx, Role.ADMIN);
        JsonRequest r = JsonRequest.of(ctx, maxBodyBytes);
        TokenStore.IssuedToken issued =
                tokens.issue(r.string("name"), Role.parse(r.string("role")));
        ObjectNode n = view(issued.token());
        n.put("token", issued.secret());
        Responses.json(ctx, 201, n);
    }

    private void list(Context ctx) {
        access.require(ctx, Role.ADMIN);
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("tokens");
        tokens.list().forEach(t -> arr.add(view(t)));
        Responses.json(ctx, 200, out);
    }

    private void revoke(Context ctx) {
        access.require(ctx, Role.ADMIN);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw RegistryException.invalid("token id must be a number");
        }
        tokens.revoke(id);
        Responses.json(ctx, 200, JsonViews.object());
    }

    private static ObjectNode view(AccessToken t) {
        ObjectNode n = JsonViews.object();
        n.put("id", t.id());
        n.put("name", t.name());
        n.put("role", t.role());
        n.put("created_at", t.createdAt());
        return n;
    }
}
