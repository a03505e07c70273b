package dev.driftwatch.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.driftwatch.ingest.formats.CloudEventsKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads CloudEvents 1.0 from HTTP requests, as the CloudEvents HTTP protocol binding defines them:
 * binary mode (attributes in {@code ce-*} headers, percent-encoded; the body is the data; {@code
 * Content-Type} is {@code datacontenttype}), structured mode ({@code application/cloudevents+json})
 * and batch mode ({@code application/cloudevents-batch+json}).
 *
 * <p>It validates what the endpoint relies on: {@code specversion} 1.0, non-empty {@code id},
 * {@code source} and {@code type}, an RFC 3339 {@code time}, attribute names of lower-case letters
 * and digits, attribute values without control characters. Structured data is kept byte for byte
 * (the JSON value's own bytes, or the decoded {@code data_base64}).
 */
final class CloudEventHttpBinding {
    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    private static final String HEADER_PREFIX = "ce-";
    private static final int MAX_BATCH = 10_000;
    private static final int MAX_ATTRIBUTE_NAME = 64;
    private static final List<String> REQUIRED = List.of("id", "source", "type");

    private final JsonFactory json =
            JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build();

    /** The mode a request's content type selects. */
    enum Mode {
        BINARY,
        STRUCTURED,
        BATCH
    }

    static Mode mode(String contentType) throws RequestRejectedException {
        String media = mediaType(contentType);
        if (media.equals(STRUCTURED)) {
            return Mode.STRUCTURED;
        }
        if (media.equals(BATCH)) {
            return Mode.BATCH;
        }
        if (media.startsWith("application/cloudevents")) {
            throw new RequestRejectedException(
                    415,
                    "unsupported CloudEvents format '"
                            + media
                            + "': use binary mode, "
                            + STRUCTURED
                            + " or "
                            + BATCH);
        }
        return Mode.BINARY;
    }

    /**
     * A binary-mode event from its headers (any case; each name with its values) and body.
     *
     * @param headers header name to its values, as received
     */
    CloudEvent binary(Map<String, List<String>> headers, String contentType, byte[] body)
            throws RequestRejectedException {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(HEADER_PREFIX)) {
                continue;
            }
            String attribute = name.substring(HEADER_PREFIX.length());
            checkAttributeName(attribute);
            if (attribute.equals(CloudEventsKafka.DATA_CONTENT_TYPE)) {
                throw bad(
                        "in binary mode the data content type is the Content-Type header, not"
                                + " ce-datacontenttype");
            }
            if (h.getValue().size() != 1 || attributes.containsKey(attribute)) {
                throw bad("header ce-" + attribute + " is repeated");
            }
            attributes.put(attribute, percentDecode(h.getValue().get(0), attribute));
        }
        if (!attributes.containsKey("specversion")) {
            throw bad(
                    "not a CloudEvent: no ce-specversion header (binary mode) and the"
                            + " Content-Type is not "
                            + STRUCTURED);
        }
        String dataContentType = contentType == null || contentType.isBlank() ? null : contentType;
        return validated(attributes, dataContentType, body);
    }

    /** A structured-mode event: one JSON object. */
    CloudEvent structured(byte[] body) throws RequestRejectedException {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("a structured CloudEvent must be a JSON object");
            }
            CloudEvent e = readEvent(p, body);
            if (p.nextToken() != null) {
                throw bad("trailing content after the CloudEvent");
            }
            return e;
        } catch (IOException e) {
            throw bad("malformed JSON: " + firstLine(e));
        }
    }

    /** A batch: a JSON array of structured events (possibly empty). */
    List<CloudEvent> batch(byte[] body) throws RequestRejectedException {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad("a CloudEvents batch must be a JSON array");
            }
            List<CloudEvent> events = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw bad("batch element " + events.size() + " is not a JSON object");
                }
                if (events.size() == MAX_BATCH) {
                    throw bad("a batch may hold at most " + MAX_BATCH + " events");
                }
                try {
                    events.add(readEvent(p, body));
                } catch (RequestRejectedException e) {
                    throw new RequestRejectedException(
                            e.status(), "batch element " + events.size() + ": " + e.getMessage());
                }
            }
            if (p.nextToken() != null) {
                throw bad("trailing content after the batch");
            }
            return events;
        } catch (IOException e) {
            throw bad("malformed JSON: " + firstLine(e));
        }
    }

    /** Reads the object the parser is at (its START_OBJECT consumed). */
    private CloudEvent readEvent(JsonParser p, byte[] body)
            throws IOException, RequestRejectedException {
        Map<String, String> attributes = new LinkedHashMap<>();
        String dataContentType = null;
        int dataStart = -1;
        int dataEnd = -1;
        String dataText = null;
        boolean dataIsString = false;
        byte[] base64 = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "data" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    dataStart = (int) p.currentTokenLocation().getByteOffset();
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    } else {
                        dataIsString = t == JsonToken.VALUE_STRING;
                        dataText = p.getText(); // finishes the token
                    }
                    dataEnd = (int) p.currentLocation().getByteOffset();
                }
                case "data_base64" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (t != JsonToken.VALUE_STRING) {
                        throw bad("data_base64 must be a string");
                    }
                    try {
                        base64 = Base64.getDecoder().decode(p.getText());
                    } catch (IllegalArgumentException e) {
                        throw bad("data_base64 is not valid base64: " + e.getMessage());
                    }
                }
                default -> {
                    checkAttributeName(name);
                    String value =
                            switch (t) {
                                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                                        p.getText();
                                case VALUE_TRUE -> "true";
                                case VALUE_FALSE -> "false";
                                case VALUE_NULL -> null;
                                default ->
                                        throw bad(
                                                "attribute '"
                                                        + name
                                                        + "' must be a string, number or boolean");
                            };
                    if (value == null) {
                        break; // null means absent
                    }
                    if (name.equals(CloudEventsKafka.DATA_CONTENT_TYPE)) {
                        dataContentType = checkValue(value, name);
                    } else {
                        attributes.put(name, checkValue(value, name));
                    }
                }
            }
        }
        if (dataStart >= 0 && base64 != null) {
            throw bad("a CloudEvent has either data or data_base64, not both");
        }
        byte[] data;
        if (base64 != null) {
            data = base64;
        } else if (dataStart < 0) {
            data = new byte[0];
        } else if (dataIsString && !isJson(dataContentType)) {
            data = dataText.getBytes(StandardCharsets.UTF_8); // text data, not a JSON value
        } else {
            data = Arrays.copyOfRange(body, dataStart, dataEnd);
        }
        return validated(attributes, dataContentType, data);
    }

    private CloudEvent validated(Map<String, String> attributes, String contentType, byte[] data)
            throws RequestRejectedException {
        String version = attributes.get("specversion");
        if (version == null) {
            throw bad("missing required attribute 'specversion'");
        }
        if (!version.equals("1.0")) {
            throw bad("unsupported specversion '" + version + "' (only 1.0)");
        }
        for (String r : REQUIRED) {
            String v = attributes.get(r);
            if (v == null || v.isEmpty()) {
                throw bad("missing required attribute '" + r + "'");
            }
        }
        String time = attributes.get("time");
        if (time != null) {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw bad("attribute 'time' is not an RFC 3339 timestamp: '" + shorten(time) + "'");
            }
        }
        if (contentType != null) {
            checkValue(contentType, CloudEventsKafka.DATA_CONTENT_TYPE);
        }
        return new CloudEvent(attributes, contentType, data);
    }

    private static void checkAttributeName(String name) throws RequestRejectedException {
        boolean ok = !name.isEmpty() && name.length() <= MAX_ATTRIBUTE_NAME;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
        if (!ok) {
            throw bad(
                    "invalid attribute name '"
                            + shorten(name)
                            + "' (lower-case letters and digits, at most "
                            + MAX_ATTRIBUTE_NAME
                            + ")");
        }
    }

    private static String checkValue(String value, String attribute)
            throws RequestRejectedException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw bad(
                        "attribute '"
                                + attribute
                                + "' contains the control character U+"
                                + String.format("%04X", (int) c));
            }
        }
        return value;
    }

    /** Percent-decodes a binary-mode header value into UTF-8 text (strictly). */
    static String percentDecode(String value, String attribute) throws RequestRejectedException {
        if (value.indexOf('%') < 0) {
            return checkValue(value, attribute);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad("header ce-" + attribute + " has an invalid percent-encoding");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            CharBuffer chars =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(out.toByteArray()));
            return checkValue(chars.toString(), attribute);
        } catch (CharacterCodingException e) {
            throw bad("header ce-" + attribute + " is not UTF-8 after percent-decoding");
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    /** JSON data (the default of the JSON event format) is kept as its JSON value's bytes. */
    private static boolean isJson(String contentType) {
        String media = mediaType(contentType);
        return media.isEmpty()
                || media.equals("application/json")
                || media.equals("text/json")
                || media.endsWith("+json");
    }

    private static RequestRejectedException bad(String reason) {
        return new RequestRejectedException(400, reason);
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
