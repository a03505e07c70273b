package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.event.CompositeKey;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.EstimatedPerformance;
import dev.driftwatch.core.performance.EstimatedPerformanceWindows;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.FirstInputEventTime;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-aggregates estimated performance before the shuffle: per (model, version, segment) and window
 * every prediction updates one {@link EstimatedPerformance} in memory through its model version's
 * {@link CalibratedEstimator} (no raw values kept), and the slice goes out as a {@link
 * PerformanceDelta} of kind {@link PerformanceDelta#ESTIMATE} (the window function merges the
 * slices): when the watermark closes its window (the slices of late predictions at the next
 * watermark: none is dropped), before each checkpoint barrier, when more than {@code
 * maxBufferedSlices} are buffered, and at most {@code flushAfterMs} (processing time) after a slice
 * was started. Nothing is held across a checkpoint; reference profiles (second input, broadcast)
 * are kept in union list state.
 *
 * <p>A slice is estimated with the calibration current when it was started. Predictions of a model
 * version whose profile has no usable calibration are counted ({@code predictionsNotEstimated}),
 * those without a score or class probabilities too ({@code predictionsWithoutScore}).
 *
 * <p>Event time is the predictions' alone: the reference input's watermarks and idleness are
 * ignored, an idle prediction input is passed on as idle.
 */
public class EstimatePreAggregateOperator extends AbstractStreamOperator<PerformanceDelta>
        implements TwoInputStreamOperator<PredictionEvent, ReferenceUpdate, PerformanceDelta> {
    private static final Logger LOG = LoggerFactory.getLogger(EstimatePreAggregateOperator.class);

    private final WindowSpec windows;
    private final int maxBufferedSlices;
    private final List<ReferenceUpdate> initialReferences;
    private final long flushAfterMs;
    private final Map<String, TaskType> configuredTasks;
    private final BinaryDecision decision;

    /** Latest reference profile by model key. */
    private transient Map<String, ReferenceUpdate> latestByModel;

    /** The estimator of each model key whose latest profile has a usable calibration. */
    private transient Map<String, CalibratedEstimator> estimators;

    /** Slices by window key (model/version/segment). */
    private transient Map<String, List<Slice>> buffer;

    private transient int bufferedSlices;
    private transient boolean flushTimerSet;
    private transient ListState<ReferenceUpdate> referenceState;
    private transient FirstInputEventTime eventTime;
    private transient Counter notEstimated;
    private transient Counter withoutScore;
    private transient Counter invalidReferences;

    /**
     * @param initialReferences profiles known before any prediction (from files)
     * @param flushAfterMs emit a slice at most this long after it was started (processing time); 0:
     *     only on watermarks, checkpoints and a full buffer
     * @param configuredTasks the task configured per model ({@code --task})
     */
    public EstimatePreAggregateOperator(
            WindowSpec windows,
            int maxBufferedSlices,
            List<ReferenceUpdate> initialReferences,
            long flushAfterMs,
            Map<String, TaskType> configuredTasks,
            BinaryDecision decision) {
        this.windows = windows;
        this.maxBufferedSlices = maxBufferedSlices;
        this.initialReferences = List.copyOf(initialReferences);
        this.flushAfterMs = flushAfterMs;
        this.configuredTasks = new HashMap<>(configuredTasks);
        this.decision = decision;
    }

    /** The buffered estimate of one key and window. */
    private static final class Slice {
        final String modelName;
        final String modelVersion;
        final String segment;
        final long windowStart;
        final CalibratedEstimator estimator;
        final EstimatedPerformance window;

        Slice(PredictionEvent e, long windowStart, CalibratedEstimator estimator) {
            this.modelName = e.modelName;
            this.modelVersion = e.modelVersion;
            this.segment = e.segment;
            this.windowStart = windowStart;
            this.estimator = estimator;
            this.window = estimator.newWindow();
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        latestByModel = new HashMap<>();
        estimators = new HashMap<>();
        buffer = new HashMap<>();
        referenceState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "estimate-reference-profiles", ReferenceUpdate.class));
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
        notEstimated = getMetricGroup().counter("predictionsNotEstimated");
        withoutScore = getMetricGroup().counter("predictionsWithoutScore");
        invalidReferences = getMetricGroup().counter("invalidReferenceProfiles");
        eventTime = new FirstInputEventTime();
        eventTime.register(getMetricGroup());
    }

    @Override
    public void processElement1(StreamRecord<PredictionEvent> record) {
        PredictionEvent e = record.getValue();
        if (e.invalidRecord) {
            return;
        }
        String key = CompositeKey.of(e.modelName, e.modelVersion, e.segment);
        long start = windows.lastStart(e.timestamp);
        Slice first = slice(key, e, start);
        if (first == null) {
            notEstimated.inc();
            return;
        }
        if (!first.estimator.add(first.window, e, 1)) {
            withoutScore.inc();
            return;
        }
        for (start -= windows.slideMs();
                windows.contains(start, e.timestamp);
                start -= windows.slideMs()) {
            Slice s = slice(key, e, start);
            if (s != null) {
                s.estimator.add(s.window, e, 1);
            }
        }
        if (bufferedSlices > maxBufferedSlices) {
            flush();
        }
    }

    /** The buffered slice of the key and window, started when missing; null: not estimable. */
    private Slice slice(String key, PredictionEvent e, long start) {
        List<Slice> slices = buffer.get(key);
        if (slices != null) {
            for (int i = 0; i < slices.size(); i++) {
                if (slices.get(i).windowStart == start) {
                    return slices.get(i);
                }
            }
        }
        CalibratedEstimator estimator = estimators.get(e.modelKey());
        if (estimator == null) {
            return null;
        }
        if (slices == null) {
            slices = new ArrayList<>(2);
            buffer.put(key, slices);
        }
        Slice s = new Slice(e, start, estimator);
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

    @Override
    public void processElement2(StreamRecord<ReferenceUpdate> record) {
        accept(record.getValue());
    }

    private void accept(ReferenceUpdate u) {
        ReferenceProfile profile;
        try {
            profile = ReferenceProfile.fromJson(u.json);
        } catch (DriftCoreException e) {
            if (invalidReferences != null) {
                invalidReferences.inc();
            }
            LOG.warn("Ignoring invalid reference profile {}: {}", u.referenceId, e.getMessage());
            return;
        }
        latestByModel.put(u.modelKey, u);
        TaskType task = configuredTasks.get(profile.modelName());
        CalibratedEstimator estimator = CalibratedEstimator.of(profile, task, decision);
        if (estimator == null) {
            estimators.remove(u.modelKey);
            LOG.info(
                    "Performance of {} is not estimated before labels: {}",
                    u.modelKey,
                    CalibratedEstimator.cannotEstimate(profile, task, decision));
        } else {
            estimators.put(u.modelKey, estimator);
        }
    }

    /** Event time is the predictions' alone (see the class comment). */
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
        referenceState.update(new ArrayList<>(latestByModel.values()));
    }

    /** Emits the slices of the windows {@code watermark} closes (and of late, closed ones). */
    private void flushClosed(long watermark) {
        var keys = buffer.values().iterator();
        while (keys.hasNext()) {
            List<Slice> slices = keys.next();
            var it = slices.iterator();
            while (it.hasNext()) {
                Slice s = it.next();
                if (windows.end(s.windowStart) - 1 <= watermark) {
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

    private void flush() {
        for (List<Slice> slices : buffer.values()) {
            for (Slice s : slices) {
                emit(s);
            }
        }
        buffer.clear();
        bufferedSlices = 0;
    }

    private void emit(Slice s) {
        if (s.window.predictions() == 0) {
            return;
        }
        PerformanceDelta d = new PerformanceDelta();
        d.kind = PerformanceDelta.ESTIMATE;
        d.modelName = s.modelName;
        d.modelVersion = s.modelVersion;
        d.segment = s.segment;
        d.timestamp = s.windowStart;
        d.estimate = EstimatedPerformanceWindows.toByteArray(s.window);
        output.collect(new StreamRecord<>(d, windows.end(s.windowStart) - 1));
    }
}
