package dev.driftwatch.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.ErrorCode;
import io.javalin.http.Context;

/** Writes JSON answers and MLflow-shaped errors. */
public final class Responses {
    private Responses() {}

    public static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status)
                    .contentType("application/json")
                    .result(JsonRequest.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static void error(Context ctx, ErrorCode code, String message) {
        ObjectNode n = JsonRequest.MAPPER.createObjectNode();
        n.put("error_code", code.name());
        n.put("message", message);
        json(ctx, code.httpStatus(), n);
    }
}
