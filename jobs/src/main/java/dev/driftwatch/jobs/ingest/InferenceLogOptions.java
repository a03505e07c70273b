package dev.driftwatch.jobs.ingest;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.driftwatch.core.contract.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The options of the normalization stage, which both jobs take: which inference logs to read
 * besides the event topics (KServe CloudEvents from the raw topic of the ingest endpoint, Seldon
 * Core 2 topics by pattern), the input-schemas topic, and how long a request waits for its
 * response. docs/drift-job.md lists them; a test checks it against this class.
 */
public final class InferenceLogOptions {
    private InferenceLogOptions() {}

    /** Reads the raw topic of the ingest endpoint (KServe inference logger CloudEvents). */
    public static final String KSERVE = "kserve";

    /** Reads the Seldon Core 2 inference topics. */
    public static final String SELDON = "seldon";

    public static final ConfigOption<List<String>> INFERENCE_LOGS =
            key("driftwatch.inference-logs")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Inference logs to normalize into prediction events besides the event"
                                    + " topics: kserve (the ingest endpoint's raw topic), seldon (the"
                                    + " Seldon Core 2 topics); default: none.");

    public static final ConfigOption<String> INFERENCE_LOGS_TOPIC =
            key("driftwatch.inference-logs-topic")
                    .stringType()
                    .defaultValue(Topics.INFERENCE_LOGS)
                    .withDescription(
                            "The ingest endpoint's raw topic of CloudEvents (read with --inference-logs"
                                    + " kserve).");

    public static final ConfigOption<String> SELDON_TOPIC_PATTERN =
            key("driftwatch.seldon-topic-pattern")
                    .stringType()
                    .defaultValue("seldon\\..+\\.(model|pipeline)\\..+\\.(inputs|outputs)")
                    .withDescription(
                            "Regular expression of the Seldon Core 2 topics (read with"
                                    + " --inference-logs seldon); topics created later are found"
                                    + " within 10 s.");

    public static final ConfigOption<String> INPUT_SCHEMAS_TOPIC =
            key("driftwatch.input-schemas-topic")
                    .stringType()
                    .defaultValue(Topics.INPUT_SCHEMAS)
                    .withDescription(
                            "Compacted topic of the models' input schemas and aliases (written by the"
                                    + " registry), read from the start.");

    public static final ConfigOption<Duration> PAIRING_TTL =
            key("driftwatch.pairing-ttl")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long (processing time) a logged request waits for its response: then"
                                    + " its rows go on without a prediction, and a response without"
                                    + " its request is dead-lettered.");

    /** Every option of the stage, for the CLI and the docs check. */
    public static List<ConfigOption<?>> all() {
        return List.of(
                INFERENCE_LOGS,
                INFERENCE_LOGS_TOPIC,
                SELDON_TOPIC_PATTERN,
                INPUT_SCHEMAS_TOPIC,
                PAIRING_TTL);
    }

    /** True when {@code config} reads the inference logs {@code kind} ({@link #KSERVE}, ...). */
    public static boolean reads(Configuration config, String kind) {
        return config.get(INFERENCE_LOGS).contains(kind);
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the bad one
     */
    public static void check(Configuration config) {
        for (String kind : config.get(INFERENCE_LOGS)) {
            if (!Set.of(KSERVE, SELDON).contains(kind)) {
                throw new IllegalArgumentException(
                        "--inference-logs takes kserve and seldon, was '" + kind + "'");
            }
        }
        try {
            Pattern.compile(config.get(SELDON_TOPIC_PATTERN));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "--seldon-topic-pattern is not a regular expression: " + e.getDescription());
        }
        if (config.get(PAIRING_TTL).isNegative() || config.get(PAIRING_TTL).isZero()) {
            throw new IllegalArgumentException("--pairing-ttl must be positive");
        }
    }
}
