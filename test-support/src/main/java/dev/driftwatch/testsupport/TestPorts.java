package dev.driftwatch.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for servers a test starts on a fixed port (the Flink web UI). */
public final class TestPorts {
    private TestPorts() {}

    /** A port that was free a moment ago (the OS picked it). */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
