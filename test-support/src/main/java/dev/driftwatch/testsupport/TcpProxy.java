package dev.driftwatch.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on a loopback port in front of a server, that a test can cut (every connection
 * closed, new ones refused, as when the server is down) and restore (on the same port), to see how
 * a client lives through an outage of the server.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("localhost", 5432)) {
 *     String url = proxy.jdbcUrl(db.url()); // the same database, through the proxy
 *     proxy.cut();
 *     proxy.restore();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new ArrayList<>();
    private ServerSocket server;
    private boolean closed;

    private TcpProxy(String targetHost, int targetPort, ServerSocket server) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
        this.port = server.getLocalPort();
        accept(server);
    }

    /** A proxy to {@code host:port}, listening on a free loopback port. */
    public static TcpProxy start(String host, int port) {
        return new TcpProxy(host, port, listen(0));
    }

    /** A proxy to the host and port of a {@code jdbc:postgresql://host:port/db} URL. */
    public static TcpProxy forJdbcUrl(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return start(uri.getHost(), uri.getPort());
    }

    /** The port the proxy listens on. */
    public int port() {
        return port;
    }

    /** {@code jdbcUrl} with its host and port replaced by the proxy's. */
    public String jdbcUrl(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:"
                + uri.getScheme()
                + "://127.0.0.1:"
                + port
                + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Closes every connection and stops listening: clients get "connection refused". */
    public synchronized void cut() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Listens again, on the same port. */
    public synchronized void restore() {
        if (server == null && !closed) {
            server = listen(port);
            accept(server);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private static ServerSocket listen(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket listening) {
        Thread t =
                new Thread(
                        () -> {
                            while (!listening.isClosed()) {
                                try {
                                    connect(listening.accept());
                                } catch (IOException e) {
                                    return; // cut or closed
                                }
                            }
                        },
                        "tcp-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void connect(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        synchronized (this) {
            if (server == null) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            sockets.add(client);
            sockets.add(upstream);
        }
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                for (int n; (n = in.read(buffer)) >= 0; ) {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                }
                            } catch (IOException e) {
                                // the other side or the proxy closed the connection
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                                forget(from, to);
                            }
                        },
                        "tcp-proxy-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    private synchronized void forget(Socket a, Socket b) {
        sockets.remove(a);
        sockets.remove(b);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
