package dev.driftwatch.cli.demo;

import dev.driftwatch.core.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's model server: scores transactions from {@link DemoWorld} with the current champion
 * (looked up in the registry every two seconds), writes each prediction to {@code
 * driftwatch.predictions} with the wall-clock time, and its ground truth to {@code
 * driftwatch.labels} {@code labelDelay} later (the demo: {@link #LABEL_DELAY}, longer than a
 * window, so a window closes before any of its labels arrives).
 */
final class Simulator implements Runnable, AutoCloseable {
    /**
     * How late the demo's labels come: longer than a window (20 s) and the time its results take to
     * show, so that a window's estimated performance and alerts are there before its first label.
     */
    static final long LABEL_DELAY_MS = 40_000;

    private final DemoWorld world;
    private final RegistryClient registry;
    private final String model;
    private final int eventsPerSecond;
    private final long labelDelayMs;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ArrayDeque<long[]> pendingLabels = new ArrayDeque<>(); // {due, id, fraud}
    private volatile boolean running = true;
    private volatile String championVersion = "";
    private volatile long labelledUpTo = Long.MIN_VALUE;
    private volatile double center;
    private long sent;

    Simulator(
            DemoWorld world,
            RegistryClient registry,
            String bootstrapServers,
            String model,
            int eventsPerSecond,
            long labelDelayMs) {
        this.world = world;
        this.registry = registry;
        this.model = model;
        this.eventsPerSecond = eventsPerSecond;
        this.labelDelayMs = labelDelayMs;
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                "bootstrap.servers",
                                bootstrapServers,
                                "linger.ms",
                                "20",
                                "acks",
                                "all"),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    String championVersion() {
        return championVersion;
    }

    long sent() {
        return sent;
    }

    /**
     * The time of the latest prediction whose label was sent ({@link Long#MIN_VALUE} before the
     * first): labels go out in the order of their predictions, so no prediction after this time has
     * a label yet.
     */
    long labelledUpTo() {
        return labelledUpTo;
    }

    @Override
    public void run() {
        long lastLookup = 0;
        int perTick = Math.max(1, eventsPerSecond / 10);
        while (running) {
            long now = System.currentTimeMillis();
            try {
                if (now - lastLookup >= 2000) {
                    refreshChampion();
                    lastLookup = now;
                }
                for (int i = 0; i < perTick && !championVersion.isEmpty(); i++) {
                    send(now);
                }
                while (!pendingLabels.isEmpty() && pendingLabels.peek()[0] <= now) {
                    long[] l = pendingLabels.poll();
                    labelledUpTo = l[0] - labelDelayMs; // before it is sent: never too early
                    String json =
                            String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"demo-%d\",\"model_name\":\"%s\",\"timestamp\":%d,\"label\":\"%d\"}",
                                    l[1],
                                    model,
                                    now,
                                    l[2]);
                    producer.send(
                            new ProducerRecord<>(
                                    Topics.LABELS, json.getBytes(StandardCharsets.UTF_8)));
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                System.err.println("demo simulator: " + e.getMessage() + " (retrying)");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void refreshChampion() throws Exception {
        String version =
                registry.get(
                                "/api/2.0/mlflow/registered-models/alias?name="
                                        + RegistryClient.encode(model)
                                        + "&alias=champion")
                        .path("model_version")
                        .path("version")
                        .asText("");
        if (!version.isEmpty() && !version.equals(championVersion)) {
            center = DemoTrainer.center(registry, model, version);
            championVersion = version;
        }
    }

    private void send(long now) {
        DemoWorld.Transaction t = world.next(now);
        double score = DemoWorld.score(t.amount(), center);
        long id = sent++;
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"demo-%d\",\"model_name\":\"%s\",\"model_version\":\"%s\",\"timestamp\":%d,"
                                + "\"features\":{\"amount\":%s,\"age\":%s,\"country\":\"%s\"},"
                                + "\"prediction\":{\"score\":%.4f,\"label\":\"%d\"}}",
                        id,
                        model,
                        championVersion,
                        now,
                        Double.toString(t.amount()),
                        Double.toString(t.age()),
                        t.country(),
                        score,
                        score >= 0.5 ? 1 : 0);
        producer.send(
                new ProducerRecord<>(
                        Topics.PREDICTIONS,
                        ("demo-" + id).getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
        pendingLabels.add(new long[] {now + labelDelayMs, id, t.fraud() ? 1 : 0});
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
