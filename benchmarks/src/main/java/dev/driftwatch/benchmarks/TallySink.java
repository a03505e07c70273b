package dev.driftwatch.benchmarks;

import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that discards its input after recording it in a {@link RunTally}: the time of the last
 * output and, through {@code counter}, how many input events the output accounts for.
 */
public final class TallySink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Records one output in a tally. */
    @FunctionalInterface
    public interface OutputCounter<T> extends Serializable {
        void record(T output, RunTally tally);
    }

    private final String tallyId;
    private final OutputCounter<T> counter;

    public TallySink(RunTally tally, OutputCounter<T> counter) {
        this.tallyId = tally.id();
        this.counter = counter;
    }

    /** Each output is one input event. */
    public static <T> TallySink<T> oneEventPerOutput(RunTally tally) {
        return new TallySink<>(tally, (output, t) -> t.recordOutput(1));
    }

    /** Outputs are dead letters. */
    public static <T> TallySink<T> deadLetters(RunTally tally) {
        return new TallySink<>(tally, (output, t) -> t.recordDeadLetter());
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        RunTally tally = RunTally.get(tallyId);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                counter.record(element, tally);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
