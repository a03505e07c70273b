package dev.driftwatch.local;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The address the local services listen on: the loopback address 127.0.0.1 (the default: only
 * programs on this machine reach them), one interface's address, or every interface ({@code
 * 0.0.0.0} or {@code ::}).
 *
 * <pre>{@code
 * ListenAddress all = ListenAddress.parse("0.0.0.0");
 * all.isLoopback();   // false: other machines can connect
 * all.clientHost();   // this machine's host name, for URLs that others use too
 * }</pre>
 */
public record ListenAddress(InetAddress address) {
    /** 127.0.0.1. */
    public static final ListenAddress LOOPBACK = new ListenAddress(ipv4(127, 0, 0, 1));

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * Parses an IP address literal (IPv4 dotted or IPv6; a host name is refused, so that no DNS
     * answer decides what is exposed).
     *
     * @throws IllegalArgumentException when {@code text} is not an IP address literal
     */
    public static ListenAddress parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (!IPV4.matcher(t).matches() && !(t.contains(":") && t.matches("[0-9A-Fa-f:.%]+"))) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");
        }
        try {
            return new ListenAddress(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }

    /** Only programs on this machine can connect. */
    public boolean isLoopback() {
        return address.isLoopbackAddress();
    }

    /** Every interface of this machine ({@code 0.0.0.0} or {@code ::}). */
    public boolean isWildcard() {
        return address.isAnyLocalAddress();
    }

    /** The address to bind, as text ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::1}). */
    public String bindHost() {
        return address.getHostAddress();
    }

    /**
     * The host that clients put in URLs: the address itself, or for every interface this machine's
     * host name (what other machines use too), 127.0.0.1 when the name does not resolve.
     */
    public String clientHost() {
        if (!isWildcard()) {
            return address.getHostAddress();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return LOOPBACK.bindHost();
        }
    }

    /** {@link #clientHost()} with brackets around an IPv6 literal, as URLs and Kafka need it. */
    public String clientHostInUri() {
        return inUri(clientHost());
    }

    /** {@link #bindHost()} with brackets around an IPv6 literal. */
    public String bindHostInUri() {
        return inUri(bindHost());
    }

    @Override
    public String toString() {
        return bindHost();
    }

    private static String inUri(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
