package dev.driftwatch.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real local HTTP server standing in for Slack, PagerDuty or a webhook: answers each path from a
 * script (status + headers) and records every request it got.
 */
final class TestReceiver implements AutoCloseable {
    /** One scripted answer. */
    record Reply(int status, String retryAfter, String body) {
        Reply(int status, String retryAfter) {
            this(status, retryAfter, null);
        }
    }

    /** One request received. */
    record Received(long atMillis, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final Map<String, ConcurrentLinkedQueue<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, Boolean> answeredInFull = new ConcurrentHashMap<>();
    // one thread per request: a slow answer on one path never holds back another path's
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    received.computeIfAbsent(
                                    path, p -> Collections.synchronizedList(new ArrayList<>()))
                            .add(
                                    new Received(
                                            System.currentTimeMillis(),
                                            Map.copyOf(exchange.getRequestHeaders()),
                                            body));
                    Reply reply = scripts.getOrDefault(path, new ConcurrentLinkedQueue<>()).poll();
                    int status = reply == null ? 200 : reply.status();
                    if (reply != null && reply.retryAfter() != null) {
                        exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
                    }
                    if (reply != null && "HUGE".equals(reply.body())) {
                        // a 400 MB answer, written until the client goes away
                        exchange.sendResponseHeaders(status, 400L * 1024 * 1024);
                        byte[] chunk = new byte[64 * 1024];
                        try {
                            for (int i = 0; i < 6400; i++) {
                                exchange.getResponseBody().write(chunk);
                            }
                        } catch (IOException clientLeft) {
                            // what a receiver sees when the registry stops reading
                        }
                        exchange.close();
                        return;
                    }
                    if (reply != null && "SLOW".equals(reply.body())) {
                        // one byte a second, for a minute, unless the client goes away
                        exchange.sendResponseHeaders(status, 60);
                        try {
                            for (int i = 0; i < 60; i++) {
                                exchange.getResponseBody().write('x');
                                exchange.getResponseBody().flush();
                                Thread.sleep(1000);
                            }
                            answeredInFull.put(path, true);
                        } catch (IOException | InterruptedException clientLeft) {
                            // the registry stopped reading
                        }
                        exchange.close();
                        return;
                    }
                    byte[] answer =
                            (reply != null && reply.body() != null
                                            ? reply.body()
                                            : "{\"status\": " + status + "}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status, answer.length);
                    exchange.getResponseBody().write(answer);
                    exchange.close();
                });
        server.setExecutor(handlers);
        server.start();
    }

    /** Whether a slow answer on this path was written to its end (the client waited for it). */
    boolean answeredInFull(String path) {
        return answeredInFull.getOrDefault(path, false);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void script(String path, Reply... replies) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
    }

    List<Received> received(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
