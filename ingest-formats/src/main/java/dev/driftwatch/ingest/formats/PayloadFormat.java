package dev.driftwatch.ingest.formats;

import java.util.Locale;

/**
 * The encoding of an inference payload: JSON (KServe v1 or OIP v2, told apart by shape) or OIP
 * protobuf.
 */
public enum PayloadFormat {
    JSON,
    PROTOBUF;

    /**
     * The format a content type announces: protobuf for any {@code *protobuf*} type, JSON for
     * everything else (model servers' loggers often forward whatever content type the client sent,
     * e.g. {@code application/x-www-form-urlencoded} for a JSON body).
     */
    public static PayloadFormat fromContentType(String contentType) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("protobuf")) {
            return PROTOBUF;
        }
        return JSON;
    }
}
