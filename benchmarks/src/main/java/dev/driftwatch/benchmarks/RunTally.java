package dev.driftwatch.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one pipeline run did, shared by id between the harness and the sources and sinks of a job
 * running in the same JVM: when its source emitted the first event, when its sinks received the
 * last output, how many input events its outputs account for, and how many outputs it wrote.
 */
public final class RunTally {
    private static final Map<String, RunTally> TALLIES = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final AtomicLong firstEventNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastOutputNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong eventsAccounted = new AtomicLong();
    private final AtomicLong outputs = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong eventsWithoutReference = new AtomicLong();

    private RunTally(String id) {
        this.id = id;
    }

    /** A new, registered tally. */
    public static RunTally create(String label) {
        RunTally tally = new RunTally(label + "-" + IDS.incrementAndGet());
        TALLIES.put(tally.id, tally);
        return tally;
    }

    static RunTally get(String id) {
        RunTally tally = TALLIES.get(id);
        if (tally == null) {
            throw new IllegalStateException("no run tally '" + id + "' in this JVM");
        }
        return tally;
    }

    /** Unregisters this tally. */
    public void release() {
        TALLIES.remove(id);
    }

    public String id() {
        return id;
    }

    void markStart() {
        firstEventNanos.accumulateAndGet(System.nanoTime(), Math::min);
    }

    void recordOutput(long events) {
        outputs.incrementAndGet();
        eventsAccounted.addAndGet(events);
        lastOutputNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    void recordDeadLetter() {
        deadLetters.incrementAndGet();
        lastOutputNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    void recordEventsWithoutReference(long events) {
        eventsWithoutReference.addAndGet(events);
    }

    /** Input events that the outputs account for (each pipeline says how it counts). */
    public long eventsAccounted() {
        return eventsAccounted.get();
    }

    public long outputs() {
        return outputs.get();
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /** Drift job only: events of a model whose reference profile had not arrived yet. */
    public long eventsWithoutReference() {
        return eventsWithoutReference.get();
    }

    /** Seconds from the first event emitted to the last output received. */
    public double processingSeconds() {
        long first = firstEventNanos.get();
        long last = lastOutputNanos.get();
        if (first == Long.MAX_VALUE || last == Long.MIN_VALUE || last <= first) {
            return Double.NaN;
        }
        return (last - first) / 1e9;
    }
}
