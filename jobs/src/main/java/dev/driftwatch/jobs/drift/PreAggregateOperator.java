package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureWindow;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.FirstInputEventTime;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-aggregates events before the shuffle: per (model, version, segment) and window it updates one
 * {@link WindowProfile} in memory — every feature of an event in one call, no raw values kept — and
 * emits the merged slice as a {@link PartialWindow} when the watermark closes its window (late
 * slices at the next watermark), before each checkpoint barrier, and when more than {@code
 * maxBufferedSlices} (key, window) slices are buffered; slices are bounded in size, so the buffer
 * is bounded by keys and open windows, not by events. Nothing is held across a checkpoint, so the
 * operator needs no state for events; reference profiles (second input, broadcast) are kept in
 * union list state.
 *
 * <p>A window is binned against the reference profile that was current when this operator first saw
 * the window: a newly published baseline applies from the next window. Events of a model version
 * without a reference profile are counted ({@code no_reference_events}), never dropped silently;
 * events later than the allowed lateness go to the {@link #TOO_LATE} side output (dead letters).
 *
 * <p>Event time comes from the events alone: the reference input is a side input whose watermarks
 * and idleness are ignored, so neither it nor an idle event input can move event time past events
 * that can still arrive (an idle event input is passed on as idle, the watermark stays). With
 * {@code flushAfterMs > 0}, buffered slices are also emitted at most that long (processing time)
 * after they were started, so that the windows of quiet keys can be closed downstream while no
 * watermark moves.
 */
public class PreAggregateOperator extends AbstractStreamOperator<PartialWindow>
        implements TwoInputStreamOperator<PredictionEvent, ReferenceUpdate, PartialWindow> {
    private static final Logger LOG = LoggerFactory.getLogger(PreAggregateOperator.class);

    public static final OutputTag<DeadLetter> TOO_LATE = new OutputTag<>("too-late") {};

    private static final com.fasterxml.jackson.databind.ObjectMapper SUMMARY =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final WindowSpec windows;
    private final int maxBufferedSlices;
    private final List<ReferenceUpdate> initialReferences;
    private final long flushAfterMs;

    private transient Map<String, ReferenceUpdate> latestByModel;
    private transient Map<String, ReferenceUpdate> byId;
    private transient ReferenceCache cache;

    /** modelKey -> window start -> reference id pinned for that window. */
    private transient Map<String, TreeMap<Long, String>> pinned;

    private transient Map<String, List<Slice>> buffer;
    private transient java.util.BitSet seenFeatures;
    private transient int bufferedSlices;
    private transient long watermark;
    private transient ListState<ReferenceUpdate> referenceState;
    private transient Counter lateEvents;
    private transient Counter tooLateEvents;
    private transient Counter noReferenceEvents;
    private transient Counter invalidReferences;
    private transient Counter referenceProfiles;
    private transient FirstInputEventTime eventTime;
    private transient boolean flushTimerSet;

    public PreAggregateOperator(WindowSpec windows, int maxBufferedSlices) {
        this(windows, maxBufferedSlices, List.of(), 0);
    }

    /**
     * @param initialReferences profiles known before any event (from files): available from the
     *     first event on, unlike those arriving on the broadcast input
     * @param flushAfterMs emit a buffered slice at most this long after it was started (processing
     *     time); 0: only on watermarks, checkpoints and a full buffer
     */
    public PreAggregateOperator(
            WindowSpec windows,
            int maxBufferedSlices,
            List<ReferenceUpdate> initialReferences,
            long flushAfterMs) {
        this.windows = windows;
        this.maxBufferedSlices = maxBufferedSlices;
        this.initialReferences = List.copyOf(initialReferences);
        this.flushAfterMs = flushAfterMs;
    }

    /** The buffered slice of one key and window. */
    private static final class Slice {
        final PartialWindow meta;
        final WindowProfile profile;
        final ReferenceCache.Entry reference;

        Slice(PartialWindow meta, WindowProfile profile, ReferenceCache.Entry reference) {
            this.meta = meta;
            this.profile = profile;
            this.reference = reference;
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        latestByModel = new HashMap<>();
        byId = new HashMap<>();
        cache = new ReferenceCache();
        pinned = new HashMap<>();
        buffer = new HashMap<>();
        seenFeatures = new java.util.BitSet();
        watermark = Long.MIN_VALUE;
        referenceState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "reference-profiles", ReferenceUpdate.class));
        for (ReferenceUpdate u : initialReferences) {
            accept(u);
        }
        if (context.isRestored()) {
            for (ReferenceUpdate u : referenceState.get()) {
                accept(u);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        lateEvents = getMetricGroup().counter("lateEvents");
        tooLateEvents = getMetricGroup().counter("tooLateEvents");
        noReferenceEvents = getMetricGroup().counter("noReferenceEvents");
        invalidReferences = getMetricGroup().counter("invalidReferenceProfiles");
        referenceProfiles = getMetricGroup().counter("referenceProfilesReceived");
        eventTime = new FirstInputEventTime();
        eventTime.register(getMetricGroup());
    }

    @Override
    public void processElement1(StreamRecord<PredictionEvent> record) {
        PredictionEvent event = record.getValue();
        long ts = event.timestamp;
        long newest = windows.lastStart(ts);
        if (windows.cleanupTime(newest) <= watermark) {
            tooLateEvents.inc();
            output.collect(TOO_LATE, new StreamRecord<>(tooLate(event, newest)));
            return;
        }
        String key = PartialWindow.key(event.modelName, event.modelVersion, event.segment);
        boolean marker = event.invalidRecord;
        for (long start = newest; windows.contains(start, ts); start -= windows.slideMs()) {
            if (windows.cleanupTime(start) <= watermark) {
                break;
            }
            Slice slice = slice(key, event, start);
            PartialWindow meta = slice.meta;
            if (marker) {
                meta.invalidEvents++;
                continue;
            }
            meta.events++;
            if (windows.end(start) - 1 <= watermark) {
                meta.lateEvents++;
                lateEvents.inc();
            }
            if (slice.profile == null) {
                meta.noReferenceEvents++;
                noReferenceEvents.inc();
            } else {
                update(slice.profile, slice.reference, event, seenFeatures);
            }
        }
        if (bufferedSlices > maxBufferedSlices) {
            flush();
        }
    }

    /**
     * Every feature of the event into the window profile: one pass, absent features are missing.
     * {@code seen} is a scratch set reused across events (cleared on return), so nothing is
     * allocated per event whatever the number of features.
     */
    static void update(
            WindowProfile profile,
            ReferenceCache.Entry reference,
            PredictionEvent event,
            java.util.BitSet seen) {
        int n = profile.featureCount();
        String[] names = event.featureNames;
        for (int i = 0; i < names.length; i++) {
            Integer idx = reference.featureIndex().get(names[i]);
            if (idx == null) {
                continue;
            }
            int f = idx;
            if (seen.get(f)) {
                continue; // a feature named twice in one event: its first value counts
            }
            seen.set(f);
            FeatureWindow w = profile.feature(f);
            double number = event.numbers[i];
            String text = event.strings[i];
            if (w instanceof NumericWindow nw) {
                if (number == number) {
                    nw.update(number);
                } else if (text != null) {
                    nw.updateTypeMismatch();
                } else {
                    nw.updateMissing();
                }
            } else {
                CategoricalWindow cw = (CategoricalWindow) w;
                if (text != null) {
                    cw.update(text);
                } else if (number == number) {
                    cw.update(categoryOf(number));
                } else {
                    cw.updateMissing();
                }
            }
        }
        for (int f = seen.nextClearBit(0); f < n; f = seen.nextClearBit(f + 1)) {
            profile.feature(f).updateMissing();
        }
        seen.clear();
    }

    /**
     * A JSON number used as a category: integral values without a fraction ("12345"), else Java's
     * form.
     */
    static String categoryOf(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private Slice slice(String key, PredictionEvent event, long start) {
        List<Slice> slices = buffer.get(key);
        if (slices == null) {
            slices = new ArrayList<>(2);
            buffer.put(key, slices);
        }
        for (int i = 0; i < slices.size(); i++) {
            Slice s = slices.get(i);
            if (s.meta.windowStart == start) {
                return s;
            }
        }
        PartialWindow meta = new PartialWindow();
        meta.key = key;
        meta.modelName = event.modelName;
        meta.modelVersion = event.modelVersion;
        meta.segment = event.segment;
        meta.windowStart = start;
        meta.windowEnd = windows.end(start);
        ReferenceCache.Entry reference = pinnedReference(event.modelKey(), start);
        WindowProfile profile = null;
        if (reference != null) {
            meta.referenceId = reference.referenceId();
            profile = WindowProfile.newInstance(reference.profile());
        }
        Slice s = new Slice(meta, profile, reference);
        slices.add(s);
        bufferedSlices++;
        if (flushAfterMs > 0 && !flushTimerSet) {
            flushTimerSet = true;
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(
                    time.getCurrentProcessingTime() + flushAfterMs,
                    t -> {
                        flushTimerSet = false;
                        flush();
                    });
        }
        return s;
    }

    private ReferenceCache.Entry pinnedReference(String modelKey, long start) {
        TreeMap<Long, String> pins = pinned.get(modelKey);
        String id = pins == null ? null : pins.get(start);
        if (id == null) {
            ReferenceUpdate latest = latestByModel.get(modelKey);
            if (latest == null) {
                return null;
            }
            id = latest.referenceId;
            pinned.computeIfAbsent(modelKey, k -> new TreeMap<>()).put(start, id);
        }
        ReferenceUpdate u = byId.get(id);
        return cache.get(id, u.json);
    }

    private DeadLetter tooLate(PredictionEvent event, long start) {
        RawRecord raw = new RawRecord("", -1, -1, null);
        DeadLetter d =
                new DeadLetter(
                        "event time "
                                + java.time.Instant.ofEpochMilli(event.timestamp)
                                + " is later than the allowed lateness: its window ["
                                + java.time.Instant.ofEpochMilli(start)
                                + ", "
                                + java.time.Instant.ofEpochMilli(windows.end(start))
                                + ") closed at watermark "
                                + java.time.Instant.ofEpochMilli(watermark),
                        raw);
        com.fasterxml.jackson.databind.node.ObjectNode summary = SUMMARY.createObjectNode();
        summary.put("prediction_id", event.predictionId);
        summary.put("model_name", event.modelName);
        summary.put("model_version", event.modelVersion);
        summary.put("timestamp", event.timestamp);
        d.original = summary.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return d;
    }

    @Override
    public void processElement2(StreamRecord<ReferenceUpdate> record) {
        referenceProfiles.inc();
        accept(record.getValue());
    }

    private void accept(ReferenceUpdate u) {
        try {
            cache.get(u.referenceId, u.json);
        } catch (DriftCoreException e) {
            invalidReferences.inc();
            LOG.warn("Ignoring invalid reference profile {}: {}", u.referenceId, e.getMessage());
            return;
        }
        byId.put(u.referenceId, u);
        latestByModel.put(u.modelKey, u);
    }

    /** Event time is the events' alone (see the class comment). */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    /** The reference input carries no event time. */
    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) {
        eventTime.status(status, inputIndex, output);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flushClosed(mark.getTimestamp());
        watermark = mark.getTimestamp();
        prunePins();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        referenceState.update(new ArrayList<>(byId.values()));
    }

    /** Emits the slices of windows that {@code newWatermark} closes (and of late, closed ones). */
    private void flushClosed(long newWatermark) {
        for (Iterator<List<Slice>> keys = buffer.values().iterator(); keys.hasNext(); ) {
            List<Slice> slices = keys.next();
            for (Iterator<Slice> it = slices.iterator(); it.hasNext(); ) {
                Slice s = it.next();
                if (s.meta.windowEnd - 1 <= newWatermark) {
                    emit(s);
                    it.remove();
                    bufferedSlices--;
                }
            }
            if (slices.isEmpty()) {
                keys.remove();
            }
        }
    }

    private void emit(Slice s) {
        if (s.profile != null) {
            s.meta.profile = s.profile.toByteArray();
        }
        output.collect(new StreamRecord<>(s.meta, s.meta.windowEnd - 1));
    }

    private void flush() {
        for (List<Slice> slices : buffer.values()) {
            for (Slice s : slices) {
                emit(s);
            }
        }
        buffer.clear();
        bufferedSlices = 0;
    }

    /** Drops pins of closed windows and reference profiles no longer current or pinned. */
    private void prunePins() {
        Set<String> inUse = new HashSet<>();
        for (Iterator<TreeMap<Long, String>> it = pinned.values().iterator(); it.hasNext(); ) {
            TreeMap<Long, String> pins = it.next();
            pins.headMap(Long.MAX_VALUE)
                    .entrySet()
                    .removeIf(e -> windows.cleanupTime(e.getKey()) <= watermark);
            if (pins.isEmpty()) {
                it.remove();
            } else {
                inUse.addAll(pins.values());
            }
        }
        for (ReferenceUpdate u : latestByModel.values()) {
            inUse.add(u.referenceId);
        }
        if (inUse.size() < byId.size()) {
            byId.keySet().retainAll(inUse);
            cache.retainOnly(inUse);
        }
    }
}
