package dev.driftwatch.benchmarks;

import dev.driftwatch.core.event.InvalidEventException;
import dev.driftwatch.core.event.JsonEventDecoder;
import dev.driftwatch.core.event.PredictionEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: {@link JsonEventDecoder} on prediction events of the JSON contract (numeric features plus 2
 * categorical, a prediction and a tag), as the drift job's parse stage runs it.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EventParserBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventParserBenchmark {
    private static final int EVENTS = 1024;

    /** Numeric features per event. */
    @Param({"20"})
    public int features;

    private byte[][] events;
    private JsonEventDecoder parser;
    private int next;

    @Setup
    public void setUp() {
        events = new SyntheticTraffic(10, features, 42).events(EVENTS, SyntheticTraffic.T0, 1);
        parser = new JsonEventDecoder(List.of(), 1 << 20);
    }

    @Benchmark
    public PredictionEvent parse() throws InvalidEventException {
        return parser.parse(events[next++ & (EVENTS - 1)]);
    }
}
