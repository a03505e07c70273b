package dev.driftwatch.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-stage CPU time of a Flink job in this JVM: every {@value #INTERVAL_MS} ms it reads the CPU
 * time of each live thread ({@link ThreadMXBean}) and keeps the latest value per thread; a task
 * thread's name is its operator chain, so summing by name gives CPU seconds per stage. CPU a thread
 * spends after the last sample before it ends is missed (at most one interval per thread).
 */
final class StageCpuSampler implements AutoCloseable {
    private static final long INTERVAL_MS = 50;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final Map<Long, Long> latestNanos = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    StageCpuSampler() {
        sample(true);
        sampler = new Thread(this::loop, "stage-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            sample(false);
        }
    }

    private synchronized void sample(boolean baseline) {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            if (baseline || !startNanos.containsKey(ids[i])) {
                startNanos.putIfAbsent(ids[i], baseline ? cpu : 0L);
            }
            names.put(ids[i], stageName(infos[i].getThreadName()));
            latestNanos.put(ids[i], cpu);
        }
    }

    /** "parse and validate -> discard: Writer (1/2)#0" becomes "parse and validate -> discard". */
    static String stageName(String threadName) {
        String name = threadName.replaceAll(" \\(\\d+/\\d+\\)#\\d+$", "");
        name = name.replace(": Writer", "");
        if (name.startsWith("flink-") || name.startsWith("jobmanager") || name.contains("pekko")) {
            return "Flink runtime threads";
        }
        return name;
    }

    /** Stops sampling; returns CPU seconds per stage name, largest first. */
    @Override
    public synchronized void close() {
        running = false;
        sampler.interrupt();
        sample(false);
    }

    synchronized Map<String, Double> cpuSecondsByStage() {
        Map<String, Double> byStage = new TreeMap<>();
        for (Map.Entry<Long, Long> e : latestNanos.entrySet()) {
            long used = e.getValue() - startNanos.getOrDefault(e.getKey(), 0L);
            if (used > 0) {
                byStage.merge(names.get(e.getKey()), used / 1e9, Double::sum);
            }
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        byStage.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
