package dev.driftwatch.jobs.ingest;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.ingest.formats.CloudEventsKafka;
import dev.driftwatch.ingest.formats.PayloadFormat;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.InferenceLogPart;
import dev.driftwatch.jobs.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads the envelope of inference-log records, not yet their payload: whether a record is a request
 * or a response, its request id, model, endpoint and time, and the key that pairs it with its other
 * half. A record whose envelope cannot be read goes to {@link #DEAD_LETTERS} with the reason.
 *
 * <ul>
 *   <li>KServe CloudEvents (the ingest endpoint's raw topic, attributes as {@code ce_*} headers):
 *       {@code ce_type} ending in {@code .request} or {@code .response}; request id {@code ce_id},
 *       else the record key; model {@code ce_inferenceservicename} (required); endpoint {@code
 *       ce_endpoint}; time {@code ce_time}, else the record's Kafka time; protobuf when the {@code
 *       content-type} header says so, else JSON.
 *   <li>Seldon Core 2 ({@code <prefix>.<namespace>.model|pipeline.<name>.inputs|outputs}): a
 *       request on {@code .inputs}, a response on {@code .outputs}; model the {@code <name>};
 *       request id the record key, else the {@code x-request-id} header; time the record's Kafka
 *       time; protobuf.
 * </ul>
 */
public class InferenceLogEnvelopes extends ProcessFunction<RawRecord, InferenceLogPart> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("inference-log-envelope-dead-letters") {};

    /** The Seldon Core 2 topic names: prefix, namespace, kind, name, direction. */
    static final Pattern SELDON_TOPIC =
            Pattern.compile("^(.+?)\\.([^.]+)\\.(model|pipeline)\\.(.+)\\.(inputs|outputs)$");

    private static final String REQUEST_SUFFIX = ".request";
    private static final String RESPONSE_SUFFIX = ".response";
    private static final String TYPE = CloudEventsKafka.header("type");
    private static final String ID = CloudEventsKafka.header("id");
    private static final String TIME = CloudEventsKafka.header("time");
    private static final String SERVICE = CloudEventsKafka.header("inferenceservicename");
    private static final String NAMESPACE = CloudEventsKafka.header("namespace");
    private static final String ENDPOINT = CloudEventsKafka.header("endpoint");
    private static final String REQUEST_ID_HEADER = "x-request-id";
    private static final int MAX_TOPICS = 10_000;

    private final boolean seldon;
    private transient Map<String, SeldonTopic> topics;
    private transient Counter in;
    private transient Counter invalid;

    /**
     * @param seldon read Seldon Core 2 records (else KServe CloudEvents)
     */
    public InferenceLogEnvelopes(boolean seldon) {
        this.seldon = seldon;
    }

    @Override
    public void open(OpenContext openContext) {
        in = getRuntimeContext().getMetricGroup().counter("inferenceLogsIn");
        invalid = getRuntimeContext().getMetricGroup().counter("invalidInferenceLogs");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<InferenceLogPart> out) {
        in.inc();
        InferenceLogPart part;
        try {
            part = read(raw);
        } catch (BadEnvelope e) {
            invalid.inc();
            DeadLetter d = new DeadLetter(e.getMessage(), raw);
            ctx.output(DEAD_LETTERS, d);
            return;
        }
        out.collect(part);
    }

    /** The envelope of one record. */
    InferenceLogPart read(RawRecord raw) throws BadEnvelope {
        InferenceLogPart part = seldon ? seldon(raw) : kserve(raw);
        if (raw.value == null || raw.value.length == 0) {
            throw new BadEnvelope("empty payload");
        }
        part.value = raw.value;
        part.topic = raw.topic;
        part.partition = raw.partition;
        part.offset = raw.offset;
        return part;
    }

    private static InferenceLogPart kserve(RawRecord raw) throws BadEnvelope {
        String type = null;
        String id = null;
        String time = null;
        String service = null;
        String namespace = "";
        String endpoint = null;
        String contentType = null;
        if (raw.headerNames != null) {
            for (int i = 0; i < raw.headerNames.length; i++) {
                String h = raw.headerNames[i];
                byte[] v = raw.headerValues[i];
                if (v == null) {
                    continue;
                }
                if (h.equalsIgnoreCase(TYPE)) {
                    type = utf8(v);
                } else if (h.equalsIgnoreCase(ID)) {
                    id = utf8(v);
                } else if (h.equalsIgnoreCase(TIME)) {
                    time = utf8(v);
                } else if (h.equalsIgnoreCase(SERVICE)) {
                    service = utf8(v);
                } else if (h.equalsIgnoreCase(NAMESPACE)) {
                    namespace = utf8(v);
                } else if (h.equalsIgnoreCase(ENDPOINT)) {
                    endpoint = utf8(v);
                } else if (h.equalsIgnoreCase(CloudEventsKafka.CONTENT_TYPE_HEADER)) {
                    contentType = utf8(v);
                }
            }
        }
        InferenceLogPart part = new InferenceLogPart();
        if (type == null) {
            throw new BadEnvelope("not a CloudEvent: no ce_type header");
        }
        if (type.endsWith(REQUEST_SUFFIX)) {
            part.response = false;
        } else if (type.endsWith(RESPONSE_SUFFIX)) {
            part.response = true;
        } else {
            throw new BadEnvelope(
                    "CloudEvent type '"
                            + shown(type)
                            + "' is neither an inference request (*.request) nor a response"
                            + " (*.response)");
        }
        if (id == null || id.isEmpty()) {
            id = raw.key == null ? null : utf8(raw.key);
        }
        part.requestId = name(id, "request id (ce_id, else the record key)");
        if (service == null || service.isEmpty()) {
            throw new BadEnvelope(
                    "no model name: the CloudEvent has no ce_inferenceservicename attribute");
        }
        part.modelName = name(service, "ce_inferenceservicename");
        part.endpoint = endpoint;
        part.timestamp = time == null ? recordTime(raw) : cloudEventTime(time);
        part.protobuf = PayloadFormat.fromContentType(contentType) == PayloadFormat.PROTOBUF;
        part.pairKey = "kserve\n" + namespace + "\n" + part.modelName + "\n" + part.requestId;
        return part;
    }

    private InferenceLogPart seldon(RawRecord raw) throws BadEnvelope {
        SeldonTopic topic = seldonTopic(raw.topic);
        InferenceLogPart part = new InferenceLogPart();
        part.response = topic.response;
        part.modelName = topic.model;
        String id = raw.key == null || raw.key.length == 0 ? null : utf8(raw.key);
        if (id == null && raw.headerNames != null) {
            for (int i = 0; i < raw.headerNames.length; i++) {
                if (raw.headerNames[i].equalsIgnoreCase(REQUEST_ID_HEADER)
                        && raw.headerValues[i] != null) {
                    id = utf8(raw.headerValues[i]);
                }
            }
        }
        part.requestId = name(id, "request id (the record key, else x-request-id)");
        part.timestamp = recordTime(raw);
        part.protobuf = true;
        part.pairKey = "seldon\n" + topic.base + "\n" + part.requestId;
        return part;
    }

    /** A Seldon topic's parts; topics are few, so each is parsed once. */
    private SeldonTopic seldonTopic(String name) throws BadEnvelope {
        if (topics == null) {
            topics = new HashMap<>();
        }
        SeldonTopic t = topics.get(name);
        if (t != null) {
            return t;
        }
        Matcher m = SELDON_TOPIC.matcher(name);
        if (!m.matches()) {
            throw new BadEnvelope(
                    "topic '"
                            + shown(name)
                            + "' is not a Seldon Core 2 topic"
                            + " <prefix>.<namespace>.model|pipeline.<name>.inputs|outputs");
        }
        String model = m.group(4);
        if (!EventLimits.isName(model)) {
            throw new BadEnvelope(EventLimits.nameProblem("the model name of the topic", model));
        }
        t =
                new SeldonTopic(
                        name.substring(0, name.length() - m.group(5).length() - 1),
                        model,
                        m.group(5).equals("outputs"));
        if (topics.size() >= MAX_TOPICS) {
            topics.clear();
        }
        topics.put(name, t);
        return t;
    }

    private record SeldonTopic(String base, String model, boolean response) {}

    private static String name(String value, String what) throws BadEnvelope {
        if (value == null || value.isEmpty()) {
            throw new BadEnvelope("no " + what);
        }
        if (!EventLimits.isName(value)) {
            throw new BadEnvelope(EventLimits.nameProblem(what, value));
        }
        return value;
    }

    private static long recordTime(RawRecord raw) throws BadEnvelope {
        if (raw.timestamp < 0) {
            throw new BadEnvelope("the record has no Kafka timestamp");
        }
        return raw.timestamp;
    }

    private static long cloudEventTime(String time) throws BadEnvelope {
        try {
            return OffsetDateTime.parse(time).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadEnvelope("unparseable ce_time '" + shown(time) + "' (RFC 3339)");
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Untrusted text quoted in a reason: at most 64 characters, control characters replaced. */
    static String shown(String s) {
        String head = s.length() <= 64 ? s : s.substring(0, 64) + "…";
        StringBuilder sb = new StringBuilder(head.length());
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            sb.append(Character.isISOControl(c) ? '\uFFFD' : c);
        }
        return sb.toString();
    }

    /** Why a record's envelope cannot be read (its message is the dead letter's reason). */
    static final class BadEnvelope extends Exception {
        BadEnvelope(String reason) {
            super(reason, null, false, false);
        }
    }
}
