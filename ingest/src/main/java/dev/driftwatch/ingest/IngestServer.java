package dev.driftwatch.ingest;

import io.javalin.Javalin;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingest endpoint: its Kafka log and HTTP server. This is the class to embed (from
 * {@code driftwatch up}, for example); it keeps no state, so any number can run side by side.
 *
 * <pre>{@code
 * try (IngestServer ingest = IngestServer.start(IngestConfig.defaults()
 *         .withKafka(bootstrap).withPort(0).withUnauthenticatedLoopback())) {
 *     String url = ingest.url(); // http://127.0.0.1:PORT/ : point a model server's logger here
 * }
 * }</pre>
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

    private final Javalin app;
    private final InferenceLog log;
    private final String url;

    private IngestServer(Javalin app, InferenceLog log, String url) {
        this.app = app;
        this.log = log;
        this.url = url;
    }

    /** Starts with a Kafka log on the configured topic. */
    public static IngestServer start(IngestConfig config) {
        config.validate();
        return start(config, new KafkaInferenceLog(config));
    }

    /** Starts with the given log (closed with the server). */
    public static IngestServer start(IngestConfig config, InferenceLog log) {
        try {
            Javalin app = IngestApp.create(config, log);
            app.start(config.host(), config.port());
            String url = "http://" + urlHost(config.host()) + ":" + app.port() + "/";
            LOG.info(
                    "ingest endpoint at {} writing to topic {} ({})",
                    url,
                    config.topic(),
                    config.tokens().isEmpty() ? "no token, loopback only" : "token required");
            return new IngestServer(app, log, url);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** Where to POST events, e.g. {@code http://127.0.0.1:8090/}. */
    public String url() {
        return url;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            log.close();
        }
    }

    private static String urlHost(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isAnyLocalAddress()) {
                return "localhost";
            }
            return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }
}
