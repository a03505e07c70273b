package dev.driftwatch.jobs.shared;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A metric group that keeps what is registered on it, so that a test can read the values. */
public final class RecordingMetricGroup extends UnregisteredMetricsGroup {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(name, gauge);
        return gauge;
    }

    /** The counter's count (0 when none is registered under the name). */
    public long count(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.getCount();
    }

    /** The gauge's value as a number (null when none is registered). */
    public Number gauge(String name) {
        Gauge<?> g = gauges.get(name);
        return g == null ? null : (Number) g.getValue();
    }
}
