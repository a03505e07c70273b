package dev.driftwatch.benchmarks;

import dev.driftwatch.jobs.records.RawRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Pre-generated event bytes shared, by id, with Flink sources running in the same JVM (a local
 * MiniCluster), so that every pipeline reads the very same events and no pipeline pays for
 * generating them. The bytes are not copied into the job graph.
 *
 * <pre>{@code
 * String id = EventCorpus.register(traffic.events(100_000, SyntheticTraffic.T0, 1));
 * env.fromSource(EventCorpus.source(id, tally), WatermarkStrategy.noWatermarks(), "events");
 * }</pre>
 */
public final class EventCorpus {
    private static final Map<String, byte[][]> CORPORA = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private EventCorpus() {}

    /** Registers events; returns the id sources use to read them. */
    public static String register(byte[][] events) {
        String id = "corpus-" + IDS.incrementAndGet();
        CORPORA.put(id, events);
        return id;
    }

    /** Releases a corpus. */
    public static void release(String id) {
        CORPORA.remove(id);
    }

    static byte[][] get(String id) {
        byte[][] events = CORPORA.get(id);
        if (events == null) {
            throw new IllegalStateException(
                    "no event corpus '" + id + "' in this JVM (sources must run in-process)");
        }
        return events;
    }

    /**
     * A bounded source of the corpus' first {@code count} events as {@link RawRecord}s (in order,
     * split across the source's subtasks); it marks the tally's start when it emits its first
     * record.
     */
    public static DataGeneratorSource<RawRecord> source(String id, int count, RunTally tally) {
        if (count > get(id).length) {
            throw new IllegalArgumentException(
                    "corpus '" + id + "' holds fewer than " + count + " events");
        }
        return new DataGeneratorSource<>(
                new RecordGenerator(id, tally.id()), count, Types.POJO(RawRecord.class));
    }

    /** Maps an index to the corpus' event at that index. */
    static final class RecordGenerator implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String corpusId;
        private final String tallyId;
        private transient byte[][] events;
        private transient RunTally tally;
        private transient boolean started;

        RecordGenerator(String corpusId, String tallyId) {
            this.corpusId = corpusId;
            this.tallyId = tallyId;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            events = get(corpusId);
            tally = RunTally.get(tallyId);
        }

        @Override
        public RawRecord map(Long index) {
            if (!started) {
                started = true;
                tally.markStart();
            }
            int i = index.intValue();
            return new RawRecord("driftwatch.predictions", 0, i, events[i]);
        }
    }
}
