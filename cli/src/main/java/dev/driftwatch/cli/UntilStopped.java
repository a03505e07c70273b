package dev.driftwatch.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps what a command started running until the JVM is asked to stop (Ctrl-C or SIGTERM), then
 * closes it, so that every process and server a command started stops with it.
 */
public final class UntilStopped {
    private UntilStopped() {}

    /** Blocks until the JVM shuts down; closes {@code started} first. */
    public static void await(AutoCloseable started, String command, PrintWriter out)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    out.println("driftwatch " + command + ": stopping...");
                                    out.flush();
                                    try {
                                        started.close();
                                    } catch (Exception e) {
                                        out.println(
                                                "driftwatch "
                                                        + command
                                                        + ": while stopping: "
                                                        + e.getMessage());
                                    } finally {
                                        out.flush();
                                        stopped.countDown();
                                    }
                                },
                                "driftwatch-" + command + "-stop"));
        stopped.await();
    }
}
