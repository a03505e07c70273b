package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.PendingLabel;
import dev.driftwatch.jobs.records.PendingPrediction;
import dev.driftwatch.jobs.records.PerformanceDelta;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins labels to predictions by (model_name, prediction_id) in keyed state. Either may arrive
 * first. A label joins its prediction as a labelled pair; a later label for the same prediction
 * retracts the earlier pair and adds the new one (the latest wins, counted once). {@code ttl} after
 * the first of the two arrived (processing time), the state is dropped: a prediction never labelled
 * is counted as unlabelled, a label whose prediction never came as orphaned.
 *
 * <p>A pending prediction keeps its score, predicted label and class probabilities (multiclass: the
 * predicted class, when the event names none, is the most probable one).
 */
public class LabelJoinFunction
        extends KeyedCoProcessFunction<String, PredictionEvent, LabelEvent, PerformanceDelta> {
    private final Duration ttl;
    private transient ValueState<PendingPrediction> prediction;
    private transient ValueState<PendingLabel> label;
    private transient ValueState<Long> expiry;
    private transient Counter joined;
    private transient Counter orphaned;
    private transient Counter unlabelled;

    public LabelJoinFunction(Duration ttl) {
        this.ttl = ttl;
    }

    /** The join key of a prediction or label: unambiguous for any names and ids. */
    public static String key(String modelName, String predictionId) {
        return dev.driftwatch.core.event.CompositeKey.of(modelName, predictionId);
    }

    @Override
    public void open(OpenContext openContext) {
        prediction =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "prediction", Types.POJO(PendingPrediction.class)));
        label =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "label", Types.POJO(PendingLabel.class)));
        expiry = getRuntimeContext().getState(new ValueStateDescriptor<>("expiry", Types.LONG));
        joined = getRuntimeContext().getMetricGroup().counter("labelsJoined");
        orphaned = getRuntimeContext().getMetricGroup().counter("labelsOrphaned");
        unlabelled = getRuntimeContext().getMetricGroup().counter("predictionsUnlabelled");
    }

    @Override
    public void processElement1(PredictionEvent e, Context ctx, Collector<PerformanceDelta> out)
            throws Exception {
        if (prediction.value() != null) {
            return; // the same prediction again: idempotent
        }
        PendingPrediction p = new PendingPrediction();
        p.modelVersion = e.modelVersion;
        p.segment = e.segment;
        p.timestamp = e.timestamp;
        int probabilities = 0;
        for (int i = 0; i < e.featureNames.length; i++) {
            if (PredictionEvent.SCORE_FEATURE.equals(e.featureNames[i])) {
                p.score = e.numbers[i];
            } else if (PredictionEvent.LABEL_FEATURE.equals(e.featureNames[i])) {
                p.predictedLabel = e.strings[i];
            } else if (e.featureNames[i].startsWith(PredictionEvent.PROBABILITY_FEATURE_PREFIX)) {
                probabilities++;
            }
        }
        if (probabilities > 0) {
            keepProbabilities(e, p, probabilities);
        }
        prediction.update(p);
        String model = modelOf(ctx.getCurrentKey());
        PerformanceDelta counted = delta(PerformanceDelta.PREDICTION, model, p);
        out.collect(counted);
        PendingLabel l = label.value();
        if (l != null) {
            out.collect(pair(model, p, l, 1));
            joined.inc();
        }
        armExpiry(ctx);
    }

    @Override
    public void processElement2(LabelEvent e, Context ctx, Collector<PerformanceDelta> out)
            throws Exception {
        PendingLabel previous = label.value();
        PendingLabel l = new PendingLabel();
        l.timestamp = e.timestamp;
        l.label = e.label;
        l.value = e.value;
        label.update(l);
        PendingPrediction p = prediction.value();
        if (p != null) {
            String model = modelOf(ctx.getCurrentKey());
            if (previous != null) {
                out.collect(pair(model, p, previous, -1));
            } else {
                joined.inc();
            }
            out.collect(pair(model, p, l, 1));
        }
        armExpiry(ctx);
    }

    /**
     * Keeps a prediction's class probabilities for the estimate of its labelled pair; without
     * {@code prediction.label}, the predicted class is the most probable one.
     */
    private static void keepProbabilities(PredictionEvent e, PendingPrediction p, int count) {
        p.probabilityNames = new String[count];
        p.probabilities = new double[count];
        int j = 0;
        for (int i = 0; i < e.featureNames.length; i++) {
            if (e.featureNames[i].startsWith(PredictionEvent.PROBABILITY_FEATURE_PREFIX)) {
                p.probabilityNames[j] = e.featureNames[i];
                p.probabilities[j++] = e.numbers[i];
            }
        }
        if (p.predictedLabel == null) {
            int most = CalibratedEstimator.mostProbable(p.probabilityNames, p.probabilities);
            if (most >= 0) {
                p.predictedLabel =
                        p.probabilityNames[most].substring(
                                PredictionEvent.PROBABILITY_FEATURE_PREFIX.length());
            }
        }
    }

    private void armExpiry(Context ctx) throws Exception {
        if (expiry.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + ttl.toMillis();
            expiry.update(at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PerformanceDelta> out)
            throws Exception {
        PendingPrediction p = prediction.value();
        PendingLabel l = label.value();
        String model = modelOf(ctx.getCurrentKey());
        if (p != null && l == null) {
            out.collect(delta(PerformanceDelta.UNLABELLED, model, p));
            unlabelled.inc();
        } else if (p == null && l != null) {
            PerformanceDelta o = new PerformanceDelta();
            o.kind = PerformanceDelta.ORPHANED;
            o.modelName = model;
            o.modelVersion = "";
            o.segment = "";
            o.timestamp = l.timestamp;
            out.collect(o);
            orphaned.inc();
        }
        prediction.clear();
        label.clear();
        expiry.clear();
    }

    private static String modelOf(String key) {
        return dev.driftwatch.core.event.CompositeKey.first(key);
    }

    private static PerformanceDelta delta(String kind, String model, PendingPrediction p) {
        PerformanceDelta d = new PerformanceDelta();
        d.kind = kind;
        d.modelName = model;
        d.modelVersion = p.modelVersion;
        d.segment = p.segment;
        d.timestamp = p.timestamp;
        d.score = p.score;
        d.predictedLabel = p.predictedLabel;
        return d;
    }

    private static PerformanceDelta pair(
            String model, PendingPrediction p, PendingLabel l, int sign) {
        PerformanceDelta d = delta(PerformanceDelta.PAIR, model, p);
        d.sign = sign;
        d.probabilityNames = p.probabilityNames;
        d.probabilities = p.probabilities;
        d.actualLabel = l.label;
        d.actualValue = l.value;
        return d;
    }
}
