package dev.driftwatch.jobs.shared;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.core.event.EventFormats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

/**
 * The options both jobs take, as typed Flink options with defaults: Kafka and topics, the event
 * format and its limits, windows and event time, PostgreSQL, alert persistence, checkpoints. {@code
 * bin/driftwatch drift-job}, {@code performance-job} and {@code up} take each as {@code --name
 * value} (without the {@code driftwatch.} prefix); on a cluster they are the program arguments of
 * {@code flink run ... DriftJobMain} or {@code PerformanceJobMain}. docs/drift-job.md lists them
 * with the drift job's own ({@code DriftJobOptions}); a test checks it against this class.
 */
public final class SharedJobOptions {
    private SharedJobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            key("driftwatch.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> GROUP_ID =
            key("driftwatch.group-id")
                    .stringType()
                    .defaultValue("driftwatch-drift-job")
                    .withDescription("Kafka consumer group of the job's sources.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC =
            key("driftwatch.predictions-topic")
                    .stringType()
                    .defaultValue(Topics.PREDICTIONS)
                    .withDescription("Topic of prediction events.");

    public static final ConfigOption<String> REFERENCE_PROFILES_TOPIC =
            key("driftwatch.reference-profiles-topic")
                    .stringType()
                    .defaultValue(Topics.REFERENCE_PROFILES)
                    .withDescription(
                            "Compacted topic of reference profiles (JSON), read from the start.");

    public static final ConfigOption<String> ALERTS_TOPIC =
            key("driftwatch.alerts-topic")
                    .stringType()
                    .defaultValue(Topics.ALERTS)
                    .withDescription(
                            "Topic the job writes alerts to (exactly once, transactional).");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            key("driftwatch.dead-letters-topic")
                    .stringType()
                    .defaultValue(Topics.DEAD_LETTERS)
                    .withDescription("Topic of records the job could not use, with the reason.");

    public static final ConfigOption<List<String>> REFERENCE_PROFILE_FILES =
            key("driftwatch.reference-profile")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription("Reference profile JSON files to load at start (repeatable).");

    public static final ConfigOption<Duration> WINDOW =
            key("driftwatch.window")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("Window size (tumbling, aligned to the epoch).");

    public static final ConfigOption<Duration> SLIDE =
            key("driftwatch.slide")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Window slide: makes windows sliding (size/slide windows per event).");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            key("driftwatch.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long after a window closes late events still update it (its rows are"
                                    + " rewritten). Later ones go to the dead-letter topic.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            key("driftwatch.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Bounded out-of-orderness of event time (watermark delay).");

    public static final ConfigOption<Duration> IDLENESS =
            key("driftwatch.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "An event input quiet this long stops holding back the watermark of the"
                                    + " others; it never moves event time forward by itself.");

    public static final ConfigOption<Duration> QUIET_TIMEOUT =
            key("driftwatch.quiet-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "A window whose key (model, version, segment) has received nothing for"
                                    + " this long after the window's end (processing time) is closed"
                                    + " without waiting for event time; its rows say closed_by ="
                                    + " 'timeout'. 0 turns this off.");

    public static final ConfigOption<List<String>> SEGMENT_TAGS =
            key("driftwatch.segment-tags")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription("Tag keys whose values form the segment (default: none).");

    public static final ConfigOption<Integer> MAX_SEGMENTS =
            key("driftwatch.max-segments")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Segments kept per model and version; further segment values are pooled"
                                    + " as 'other'.");

    public static final ConfigOption<Integer> MAX_MODELS =
            key("driftwatch.max-models")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Model versions each parallel instance tracks by name: its segment set"
                                    + " and its metric group. Events of further model versions are"
                                    + " still monitored, with their segments pooled as 'other' and"
                                    + " their metrics in the group model=_other; counted in"
                                    + " untrackedModelEvents.");

    public static final ConfigOption<Integer> MAX_EVENT_BYTES =
            key("driftwatch.max-event-bytes")
                    .intType()
                    .defaultValue(1 << 20)
                    .withDescription("Larger records go to the dead-letter topic.");

    public static final ConfigOption<String> EVENT_FORMAT =
            key("driftwatch.event-format")
                    .stringType()
                    .defaultValue(EventFormats.JSON)
                    .withDescription(
                            "How prediction and feature records are decoded: json (the event contract,"
                                    + " one event per record).");

    public static final ConfigOption<Duration> FUTURE_TOLERANCE =
            key("driftwatch.future-tolerance")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "How far ahead of the processing clock an event's or label's timestamp may"
                                    + " be; later ones go to the dead-letter topic (old timestamps are"
                                    + " fine).");

    public static final ConfigOption<Integer> ALERT_FIRE_AFTER =
            key("driftwatch.alert-fire-after")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Consecutive drifted windows before an alert fires.");

    public static final ConfigOption<Integer> ALERT_RESOLVE_AFTER =
            key("driftwatch.alert-resolve-after")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Consecutive clean windows before a firing alert resolves.");

    public static final ConfigOption<String> RUNBOOK_URL =
            key("driftwatch.runbook-url")
                    .stringType()
                    .defaultValue("docs/runbook.md")
                    .withDescription(
                            "runbook_url annotation of alerts: point it at where your runbook is"
                                    + " served.");

    public static final ConfigOption<String> JDBC_URL =
            key("driftwatch.jdbc-url")
                    .stringType()
                    .defaultValue("jdbc:postgresql://localhost:5432/driftwatch")
                    .withDescription("PostgreSQL holding drift_metrics (migrated at start).");

    public static final ConfigOption<String> JDBC_USER =
            key("driftwatch.jdbc-user")
                    .stringType()
                    .defaultValue("driftwatch")
                    .withDescription("PostgreSQL user.");

    public static final ConfigOption<String> JDBC_PASSWORD =
            key("driftwatch.jdbc-password")
                    .stringType()
                    .defaultValue("")
                    .withDescription("PostgreSQL password (never logged).");

    public static final ConfigOption<Integer> SINK_BATCH_SIZE =
            key("driftwatch.sink-batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Rows per upsert batch.");

    public static final ConfigOption<Duration> SINK_RETRY_BACKOFF =
            key("driftwatch.sink-retry-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "First wait before writing again when PostgreSQL cannot take rows"
                                    + " (unavailable); it doubles at each attempt. Rows are held and"
                                    + " retried forever, never dropped.");

    public static final ConfigOption<Duration> SINK_RETRY_MAX_BACKOFF =
            key("driftwatch.sink-retry-max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Longest wait between two attempts to write to PostgreSQL.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("driftwatch.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Exactly-once checkpoint interval; alerts become visible to read_committed"
                                    + " consumers at each checkpoint.");

    public static final ConfigOption<Duration> STATE_TTL =
            key("driftwatch.state-ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "Alert state of series that stop reporting is dropped after this.");

    public static final ConfigOption<List<String>> RETENTION =
            key("driftwatch.retention")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "How long the metric tables keep the rows of each resolution, as"
                                    + " WINDOW=AGE (e.g. 1min=7d,1h=90d,1d=730d): older daily (or"
                                    + " longer) partitions are dropped. Default: rows are kept.");

    /** Every shared option, for the CLI and the docs check. */
    public static List<ConfigOption<?>> all() {
        return List.of(
                BOOTSTRAP_SERVERS,
                GROUP_ID,
                PREDICTIONS_TOPIC,
                REFERENCE_PROFILES_TOPIC,
                ALERTS_TOPIC,
                DEAD_LETTERS_TOPIC,
                REFERENCE_PROFILE_FILES,
                WINDOW,
                SLIDE,
                ALLOWED_LATENESS,
                OUT_OF_ORDERNESS,
                IDLENESS,
                QUIET_TIMEOUT,
                SEGMENT_TAGS,
                MAX_SEGMENTS,
                MAX_MODELS,
                MAX_EVENT_BYTES,
                EVENT_FORMAT,
                FUTURE_TOLERANCE,
                ALERT_FIRE_AFTER,
                ALERT_RESOLVE_AFTER,
                RUNBOOK_URL,
                JDBC_URL,
                JDBC_USER,
                JDBC_PASSWORD,
                SINK_BATCH_SIZE,
                SINK_RETRY_BACKOFF,
                SINK_RETRY_MAX_BACKOFF,
                CHECKPOINT_INTERVAL,
                STATE_TTL,
                RETENTION);
    }

    /**
     * Checks the shared values that a type alone does not.
     *
     * @throws IllegalArgumentException naming the bad one
     */
    public static void check(Configuration config) {
        try {
            WindowSpec.of(config.get(WINDOW), config.get(SLIDE), config.get(ALLOWED_LATENESS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad --window/--slide/--allowed-lateness: " + e.getMessage());
        }
        if (config.get(ALERT_FIRE_AFTER) < 1 || config.get(ALERT_RESOLVE_AFTER) < 1) {
            throw new IllegalArgumentException(
                    "--alert-fire-after and --alert-resolve-after must be >= 1");
        }
        if (config.get(SINK_BATCH_SIZE) < 1) {
            throw new IllegalArgumentException("--sink-batch-size must be >= 1");
        }
        try {
            JdbcUpsertSink.Backoff.of(
                    config.get(SINK_RETRY_BACKOFF), config.get(SINK_RETRY_MAX_BACKOFF));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad --sink-retry-backoff/--sink-retry-max-backoff: " + e.getMessage());
        }
        retention(config);
        if (config.get(MAX_SEGMENTS) < 1) {
            throw new IllegalArgumentException("--max-segments must be >= 1");
        }
        if (config.get(MAX_MODELS) < 1) {
            throw new IllegalArgumentException("--max-models must be >= 1");
        }
        if (!EventFormats.names().contains(config.get(EVENT_FORMAT))) {
            throw new IllegalArgumentException(
                    "--event-format must be one of "
                            + String.join(", ", EventFormats.names())
                            + ", was '"
                            + config.get(EVENT_FORMAT)
                            + "'");
        }
    }

    /**
     * The retention of {@link #RETENTION}: seconds of age by window size in seconds.
     *
     * @throws IllegalArgumentException naming a bad value
     */
    public static Map<Long, Long> retention(Configuration config) {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (String entry : config.getOptional(RETENTION).orElse(List.of())) {
            int eq = entry.indexOf('=');
            try {
                if (eq < 0) {
                    throw new IllegalArgumentException("expected WINDOW=AGE");
                }
                long window = TimeUtils.parseDuration(entry.substring(0, eq).trim()).toSeconds();
                long age = TimeUtils.parseDuration(entry.substring(eq + 1).trim()).toSeconds();
                if (window <= 0 || age <= 0) {
                    throw new IllegalArgumentException("window and age must be > 0");
                }
                out.put(window, age);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "bad --retention value '" + entry + "': " + e.getMessage());
            }
        }
        return out;
    }
}
