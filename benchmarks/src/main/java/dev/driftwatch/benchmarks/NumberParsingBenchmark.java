package dev.driftwatch.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
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
 * JMH: what Jackson's fast double parser ({@code StreamReadFeature.USE_FAST_DOUBLE_PARSER}, which
 * {@code JsonEventDecoder} enables) is worth on our events: one streaming pass that reads every
 * number as a double, with the feature on and off.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar NumberParsingBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NumberParsingBenchmark {
    private static final int EVENTS = 1024;

    @Param({"true", "false"})
    public boolean fastDoubleParser;

    private byte[][] events;
    private JsonFactory json;
    private int next;

    @Setup
    public void setUp() {
        events = new SyntheticTraffic(10, 20, 42).events(EVENTS, SyntheticTraffic.T0, 1);
        JsonFactoryBuilder builder = new JsonFactoryBuilder();
        if (fastDoubleParser) {
            builder.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER);
        }
        json = builder.build();
    }

    /** Sum of every floating-point number of one event. */
    @Benchmark
    public double readEveryNumber() throws IOException {
        double sum = 0;
        try (JsonParser p = json.createParser(events[next++ & (EVENTS - 1)])) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    sum += p.getDoubleValue();
                }
            }
        }
        return sum;
    }
}
