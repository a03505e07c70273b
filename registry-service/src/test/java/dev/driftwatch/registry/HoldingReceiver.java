package dev.driftwatch.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local webhook receiver for outage tests, answering each exchange on its own thread: until
 * {@link #up()}, {@code /down} answers 503 and {@code /slow} holds each exchange open without
 * answering; after it both answer 200. {@code /fail} always answers 500, any other path 200.
 */
final class HoldingReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch up = new CountDownLatch(1);
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();

    HoldingReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    exchange.getRequestBody().readAllBytes();
                    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    int status;
                    if (path.equals("/fail")) {
                        status = 500;
                    } else if (path.equals("/down") || path.equals("/slow")) {
                        boolean isUp = up.getCount() == 0;
                        if (!isUp && path.equals("/slow")) {
                            try {
                                isUp = up.await(120, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        status = isUp ? 200 : 503;
                    } else {
                        status = 200;
                    }
                    if (status == 200) {
                        ok.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests received on {@code path} (a held one counts from its start). */
    int requests(String path) {
        return requests.getOrDefault(path, new AtomicInteger()).get();
    }

    /** Requests on {@code path} answered 200. */
    int answeredOk(String path) {
        return ok.getOrDefault(path, new AtomicInteger()).get();
    }

    /** From now on {@code /down} and {@code /slow} answer 200 (held exchanges too). */
    void up() {
        up.countDown();
    }

    @Override
    public void close() {
        up.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
