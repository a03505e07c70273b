package dev.driftwatch.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The endpoint's JSON answers: {@code {"accepted": n}}, {@code {"error": "reason"}}, health. */
final class JsonAnswer {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonAnswer() {}

    static void accepted(Context ctx, int events) {
        write(ctx, 202, "accepted", null, events);
    }

    static void error(Context ctx, int status, String reason) {
        write(ctx, status, "error", reason, 0);
    }

    static void status(Context ctx, String status) {
        write(ctx, 200, "status", status, 0);
    }

    private static void write(Context ctx, int status, String field, String text, int number) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (text != null) {
                g.writeStringField(field, text);
            } else {
                g.writeNumberField(field, number);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        ctx.status(status).contentType("application/json").result(out.toString());
    }
}
