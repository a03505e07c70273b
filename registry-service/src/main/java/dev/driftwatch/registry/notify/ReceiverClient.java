package dev.driftwatch.registry.notify;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends a receiver's request and reads only its status line and headers: the connection goes to the
 * addresses {@link OutboundAddresses#checkedAddresses} checked (the host is resolved once, by the
 * check: no second lookup that a DNS server could answer differently), the whole exchange (connect,
 * send, answer headers) has one deadline, redirects are not followed, and the answer's body is
 * never read (the exchange is aborted once the headers are in), so a slow or huge answer holds
 * neither a thread nor memory.
 *
 * <pre>{@code
 * try (ReceiverClient client = new ReceiverClient(outbound, Duration.ofSeconds(10))) {
 *     ReceiverClient.Answer a = client.send(request);   // status and Retry-After
 * }
 * }</pre>
 */
final class ReceiverClient implements AutoCloseable {
    /** What a receiver answered: its status and its {@code Retry-After} header (or null). */
    record Answer(int status, String retryAfter) {}

    /** Marks the exchange aborted on purpose once the headers were read. */
    private static final class HeadersRead extends Exception {
        HeadersRead() {
            super("answer headers read; the body is not", null, false, false);
        }
    }

    private final HttpClient client;
    private final Duration deadline;

    ReceiverClient(OutboundAddresses outbound, Duration deadline) {
        this.deadline = deadline;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("driftwatch-receivers");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(Math.min(5_000, deadline.toMillis()));
        client.setMaxConnectionsPerDestination(4);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "driftwatch-registry"));
        client.setSocketAddressResolver(
                (host, port, context, promise) -> {
                    try {
                        List<InetSocketAddress> to = new ArrayList<>();
                        for (InetAddress a : outbound.checkedAddresses(host)) {
                            to.add(new InetSocketAddress(a, port));
                        }
                        promise.succeeded(to);
                    } catch (OutboundAddresses.Refused e) {
                        promise.failed(e);
                    }
                });
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the notification HTTP client", e);
        }
    }

    /**
     * Sends {@code request} (its URI, method, headers and body) and returns the answer's status.
     *
     * @throws OutboundAddresses.Refused when the host resolves to an address that is not allowed
     * @throws IOException when the exchange fails or does not finish within the deadline
     */
    Answer send(HttpRequest request) throws IOException, InterruptedException {
        Request r =
                client.newRequest(request.uri())
                        .method(request.method())
                        .timeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .body(new BytesRequestContent(body(request)));
        r.headers(
                h ->
                        request.headers()
                                .map()
                                .forEach(
                                        (name, values) -> {
                                            if (!name.equalsIgnoreCase("User-Agent")) {
                                                values.forEach(v -> h.add(name, v));
                                            }
                                        }));
        AtomicReference<Answer> answer = new AtomicReference<>();
        r.onResponseHeaders(
                response -> {
                    answer.set(
                            new Answer(
                                    response.getStatus(),
                                    response.getHeaders().get(HttpHeader.RETRY_AFTER)));
                    response.abort(new HeadersRead());
                });
        CompletableFuture<Result> done = new CompletableFuture<>();
        r.send(done::complete);
        Result result;
        try {
            result = done.get(deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            r.abort(e);
            throw new IOException("no answer within " + deadline.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        if (answer.get() != null) {
            return answer.get();
        }
        Throwable failure = result.getFailure();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutboundAddresses.Refused refused) {
                throw refused;
            }
            if (t instanceof TimeoutException) {
                throw new IOException("no answer within " + deadline.toMillis() + " ms", t);
            }
        }
        throw failure instanceof IOException io ? io : new IOException(failure);
    }

    /** The body a {@link HttpRequest} would send. */
    static byte[] body(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return new byte[0];
        }
        List<ByteBuffer> parts = new ArrayList<>();
        request.bodyPublisher()
                .get()
                .subscribe(
                        new Flow.Subscriber<>() {
                            @Override
                            public void onSubscribe(Flow.Subscription s) {
                                s.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(ByteBuffer b) {
                                parts.add(b);
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onComplete() {}
                        });
        int size = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        parts.forEach(all::put);
        return all.array();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // closing: nothing left to do with a client that does not stop cleanly
        }
    }
}
