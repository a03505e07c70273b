package dev.driftwatch.benchmarks;

import dev.driftwatch.core.event.InvalidEventException;
import dev.driftwatch.core.event.JsonEventDecoder;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.RawRecord;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Pipeline 3, the design a newcomer would write: the same source and parser, then one record per
 * feature, {@code keyBy(model, feature)}, a tumbling event-time window that keeps every raw value
 * (Flink's window {@code ListState}), and at window end the exact two-sample KS test of
 * commons-math3 against the raw reference sample (chi-square for categorical features).
 */
final class NaivePipeline {
    private NaivePipeline() {}

    static void build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> events,
            SyntheticTraffic traffic,
            int referenceSampleSize,
            long windowMs,
            RunTally tally) {
        env.fromSource(events, WatermarkStrategy.noWatermarks(), "events")
                .flatMap(new OneRecordPerFeature(traffic))
                .returns(Types.POJO(FeatureValue.class))
                .name("parse, one record per feature")
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<FeatureValue>forBoundedOutOfOrderness(Duration.ZERO)
                                .withTimestampAssigner((v, t) -> v.timestamp))
                .keyBy(v -> v.modelName + "/" + v.feature, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMs)))
                .process(new ExactTestsAtWindowEnd(traffic, referenceSampleSize))
                .returns(Types.POJO(NaiveWindowResult.class))
                .name("raw values per window, exact KS")
                .sinkTo(
                        new TallySink<NaiveWindowResult>(
                                tally, (r, t) -> t.recordOutput(r.featureIndex == 0 ? r.count : 0)))
                .name("discard");
    }

    /** Parses an event with {@link JsonEventDecoder} and emits one record per profiled feature. */
    static final class OneRecordPerFeature extends RichFlatMapFunction<RawRecord, FeatureValue> {
        private static final long serialVersionUID = 1L;
        private final SyntheticTraffic traffic;
        private transient JsonEventDecoder parser;
        private transient Map<String, Integer> featureIndex;

        OneRecordPerFeature(SyntheticTraffic traffic) {
            this.traffic = traffic;
        }

        @Override
        public void open(OpenContext openContext) {
            parser = new JsonEventDecoder(List.of(), 1 << 20);
            featureIndex = new HashMap<>();
            for (int f = 0; f < traffic.numericFeatures(); f++) {
                featureIndex.put(SyntheticTraffic.numericFeatureName(f), f);
            }
            for (int c = 0; c < SyntheticTraffic.CATEGORICAL_FEATURES; c++) {
                featureIndex.put(
                        SyntheticTraffic.categoricalFeatureName(c), traffic.numericFeatures() + c);
            }
        }

        @Override
        public void flatMap(RawRecord record, Collector<FeatureValue> out) {
            PredictionEvent event;
            try {
                event = parser.parse(record.value);
            } catch (InvalidEventException e) {
                return;
            }
            for (int i = 0; i < event.featureNames.length; i++) {
                Integer index = featureIndex.get(event.featureNames[i]);
                if (index == null) {
                    continue;
                }
                FeatureValue v = new FeatureValue();
                v.modelName = event.modelName;
                v.feature = event.featureNames[i];
                v.featureIndex = index;
                v.timestamp = event.timestamp;
                v.value = event.numbers[i];
                v.category = event.strings[i];
                out.collect(v);
            }
        }
    }

    /** At window end: exact KS (numeric) or chi-square (categorical) over the raw values. */
    static final class ExactTestsAtWindowEnd
            extends ProcessWindowFunction<FeatureValue, NaiveWindowResult, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final SyntheticTraffic traffic;
        private final int referenceSampleSize;
        private transient Map<String, double[]> referenceSamples;
        private transient Map<String, Map<String, Double>> referenceProportions;
        private transient Map<String, Integer> modelIndex;

        ExactTestsAtWindowEnd(SyntheticTraffic traffic, int referenceSampleSize) {
            this.traffic = traffic;
            this.referenceSampleSize = referenceSampleSize;
        }

        @Override
        public void open(OpenContext openContext) {
            referenceSamples = new HashMap<>();
            referenceProportions = new HashMap<>();
            modelIndex = new HashMap<>();
            for (int m = 0; m < traffic.models(); m++) {
                modelIndex.put(SyntheticTraffic.modelName(m), m);
            }
        }

        @Override
        public void process(
                String key,
                Context context,
                Iterable<FeatureValue> values,
                Collector<NaiveWindowResult> out) {
            NaiveWindowResult r = new NaiveWindowResult();
            int n = 0;
            double[] sample = new double[1024];
            Map<String, Long> categoryCounts = new HashMap<>();
            for (FeatureValue v : values) {
                if (r.feature == null) {
                    r.modelName = v.modelName;
                    r.feature = v.feature;
                    r.featureIndex = v.featureIndex;
                }
                if (v.category != null) {
                    categoryCounts.merge(v.category, 1L, Long::sum);
                } else {
                    if (n == sample.length) {
                        sample = Arrays.copyOf(sample, n * 2);
                    }
                    sample[n] = v.value;
                }
                n++;
            }
            r.windowStart = context.window().getStart();
            r.count = n;
            int model = modelIndex.get(r.modelName);
            if (r.featureIndex < traffic.numericFeatures()) {
                double[] reference =
                        referenceSamples.computeIfAbsent(
                                key,
                                k ->
                                        traffic.referenceSample(
                                                model, r.featureIndex, referenceSampleSize));
                double[] current = Arrays.copyOf(sample, n);
                KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
                r.statistic = ks.kolmogorovSmirnovStatistic(reference, current);
                r.pValue = ks.kolmogorovSmirnovTest(reference, current);
            } else {
                Map<String, Double> proportions =
                        referenceProportions.computeIfAbsent(
                                key,
                                k ->
                                        proportions(
                                                traffic.referenceCategories(
                                                        model,
                                                        r.featureIndex - traffic.numericFeatures(),
                                                        referenceSampleSize)));
                chiSquare(proportions, categoryCounts, r);
            }
            out.collect(r);
        }

        private static Map<String, Double> proportions(String[] sample) {
            Map<String, Double> p = new HashMap<>();
            for (String s : sample) {
                p.merge(s, 1.0 / sample.length, Double::sum);
            }
            return p;
        }

        private static void chiSquare(
                Map<String, Double> reference, Map<String, Long> counts, NaiveWindowResult r) {
            String[] categories = reference.keySet().toArray(new String[0]);
            double[] expected = new double[categories.length];
            long[] observed = new long[categories.length];
            for (int i = 0; i < categories.length; i++) {
                expected[i] = reference.get(categories[i]) * r.count;
                observed[i] = counts.getOrDefault(categories[i], 0L);
            }
            ChiSquareTest test = new ChiSquareTest();
            r.statistic = test.chiSquare(expected, observed);
            r.pValue = test.chiSquareTest(expected, observed);
        }
    }
}
