package dev.driftwatch.registry.api;

import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.schema.InputSchemas;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code PUT/GET /api/v1/models/{name}/input-schema}. */
public final class InputSchemaApi {
    private static final String PATH = "/api/v1/models/{name}/input-schema";

    private final InputSchemas schemas;
    private final AccessControl access;
    private final int maxBodyBytes;

    public InputSchemaApi(InputSchemas schemas, AccessControl access, int maxBodyBytes) {
        this.schemas = schemas;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.put(PATH, this::put);
        routes.get(PATH, this::get);
    }

    private void put(Context ctx) {
        access.require(ctx, Role.OPERATOR);
        String stored =
                schemas.put(
                        ctx.pathParam("name"),
                        JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes)));
        ctx.status(200).contentType("application/json").result(stored);
    }

    private void get(Context ctx) {
        access.require(ctx, Role.READER);
        ctx.status(200).contentType("application/json").result(schemas.get(ctx.pathParam("name")));
    }
}
