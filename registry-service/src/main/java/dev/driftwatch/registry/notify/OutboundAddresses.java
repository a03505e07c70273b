package dev.driftwatch.registry.notify;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which addresses the registry may send notifications to. A receiver URL's host is resolved when a
 * delivery is sent, and every address it resolves to must be public: loopback, private (RFC 1918,
 * unique local {@code fc00::/7}, shared {@code 100.64.0.0/10}), link-local (including the cloud
 * metadata address {@code 169.254.169.254}), multicast, unspecified, broadcast and reserved ranges
 * are refused, in IPv4, IPv6, IPv4-mapped and IPv4-compatible IPv6 and NAT64 form, and for IPv4
 * written the ways {@code inet_aton} reads it ({@code 2130706433}, {@code 0x7f000001}, {@code
 * 0177.0.0.1}, {@code 127.1}). An admin allows an internal receiver by listing its host name or a
 * CIDR range ({@link #allowing}). Only {@code http} and {@code https} on ports 1-65535 are sent.
 *
 * <pre>{@code
 * OutboundAddresses outbound = OutboundAddresses.allowing(List.of("10.20.0.0/16", "hooks.internal"));
 * Optional<String> refused = outbound.refusal(URI.create("http://0x7f000001/"));
 * // Optional["http://0x7f000001/ resolves to 127.0.0.1, a loopback address ..."]
 * }</pre>
 */
public final class OutboundAddresses {
    /** Nothing internal allowed. */
    public static final OutboundAddresses PUBLIC_ONLY = new OutboundAddresses(Set.of(), List.of());

    /** Ranges that are never public, beyond what {@link InetAddress} classifies. */
    private static final List<Cidr> NOT_PUBLIC =
            List.of(
                    Cidr.parse("0.0.0.0/8"),
                    Cidr.parse("100.64.0.0/10"),
                    Cidr.parse("192.0.0.0/24"),
                    Cidr.parse("192.0.2.0/24"),
                    Cidr.parse("198.18.0.0/15"),
                    Cidr.parse("198.51.100.0/24"),
                    Cidr.parse("203.0.113.0/24"),
                    Cidr.parse("240.0.0.0/4"),
                    Cidr.parse("fc00::/7"),
                    Cidr.parse("2001:db8::/32"));

    private final Set<String> hosts;
    private final List<Cidr> ranges;

    private OutboundAddresses(Set<String> hosts, List<Cidr> ranges) {
        this.hosts = hosts;
        this.ranges = ranges;
    }

    /**
     * Allows the listed host names (exactly, case-insensitively) and CIDR ranges ({@code
     * 10.0.0.0/8}, {@code fd00::/8}, or one address) besides public addresses.
     *
     * @throws IllegalArgumentException for an entry that is neither
     */
    public static OutboundAddresses allowing(List<String> entries) {
        Set<String> hosts = new TreeSet<>();
        List<Cidr> ranges = new ArrayList<>();
        for (String e : entries) {
            String s = e.strip();
            if (s.isEmpty()) {
                continue;
            }
            Optional<InetAddress> literal = literal(s.contains("/") ? s.split("/", 2)[0] : s);
            if (literal.isPresent()) {
                ranges.add(Cidr.parse(s));
            } else if (s.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})")) {
                hosts.add(s.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException(
                        "an outbound allow-list entry must be a host name or a CIDR range; was '"
                                + s
                                + "'");
            }
        }
        return new OutboundAddresses(Set.copyOf(hosts), List.copyOf(ranges));
    }

    /**
     * Why the registry may not send to {@code url}, resolving its host now; empty when it may.
     * Refusals name the address and its kind, never what answered there.
     */
    public Optional<String> refusal(URI url) {
        Optional<String> shape = shapeRefusal(url);
        if (shape.isPresent()) {
            return shape;
        }
        try {
            checkedAddresses(host(url));
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.getMessage());
        }
    }

    /** An address the registry may not send to, and why. */
    public static final class Refused extends java.io.IOException {
        Refused(String reason) {
            super(reason);
        }
    }

    /**
     * The addresses of {@code host} the registry may connect to: every address it resolves to now,
     * all of them checked; the connection goes to these and nothing is resolved again.
     *
     * @throws Refused when any of them is internal and not allowed, or the host does not resolve
     */
    public List<InetAddress> checkedAddresses(String host) throws Refused {
        String h =
                host.startsWith("[") && host.endsWith("]")
                        ? host.substring(1, host.length() - 1)
                        : host;
        Optional<InetAddress> literal = literal(h);
        InetAddress[] addresses;
        if (literal.isPresent()) {
            addresses = new InetAddress[] {literal.get()};
        } else {
            try {
                addresses = InetAddress.getAllByName(h);
            } catch (UnknownHostException e) {
                throw new Refused("the host of the route's URL does not resolve");
            }
        }
        if (!hosts.contains(h.toLowerCase(Locale.ROOT))) {
            for (InetAddress a : addresses) {
                Optional<String> kind = internalKind(a);
                if (kind.isPresent() && ranges.stream().noneMatch(r -> r.contains(a))) {
                    throw new Refused(
                            "the route's URL resolves to "
                                    + a.getHostAddress()
                                    + ", "
                                    + kind.get()
                                    + " address; an admin may allow it in the registry's outbound"
                                    + " allow-list");
                }
            }
        }
        return List.of(addresses);
    }

    /**
     * Why {@code url} can never be sent to, without resolving anything (scheme, port, a literal
     * internal address): for checking a route when it is saved.
     */
    public Optional<String> refusalWithoutLookup(URI url) {
        Optional<String> shape = shapeRefusal(url);
        if (shape.isPresent()) {
            return shape;
        }
        String host = host(url);
        if (hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            InetAddress a = literal.get();
            Optional<String> kind = internalKind(a);
            if (kind.isPresent() && ranges.stream().noneMatch(r -> r.contains(a))) {
                return Optional.of(
                        "the route's URL is "
                                + a.getHostAddress()
                                + ", "
                                + kind.get()
                                + " address; an admin may allow it in the registry's outbound"
                                + " allow-list");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> shapeRefusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("the route's URL must be http or https");
        }
        if (url.getRawAuthority() == null || host(url).isEmpty()) {
            return Optional.of("the route's URL has no host");
        }
        if (url.getRawUserInfo() != null) {
            return Optional.of("the route's URL must not carry a user name or password");
        }
        int port = url.getPort();
        if (port != -1 && (port < 1 || port > 65535)) {
            return Optional.of("the route's URL has port " + port + "; ports are 1 to 65535");
        }
        return Optional.empty();
    }

    /** The URL's host, IPv6 brackets removed; empty when there is none. */
    private static String host(URI url) {
        String h = url.getHost();
        if (h == null) {
            // URI leaves the host null for names it does not accept; take the authority's
            String auth = url.getRawAuthority() == null ? "" : url.getRawAuthority();
            int at = auth.lastIndexOf('@');
            h = auth.substring(at + 1);
            int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
            if (colon > 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    /** What kind of internal address {@code a} is, or empty when it is public. */
    static Optional<String> internalKind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean compatible = true;
            for (int i = 0; i < 12; i++) {
                compatible &= b[i] == 0;
            }
            boolean nat64 =
                    (b[0] & 0xff) == 0x00
                            && (b[1] & 0xff) == 0x64
                            && (b[2] & 0xff) == 0xff
                            && (b[3] & 0xff) == 0x9b;
            for (int i = 4; i < 12 && nat64; i++) {
                nat64 = b[i] == 0;
            }
            if ((compatible && !isZeroOrOne(b)) || nat64) {
                try {
                    byte[] v4 = {b[12], b[13], b[14], b[15]};
                    return internalKind(InetAddress.getByAddress(v4));
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        if (a.isAnyLocalAddress()) {
            return Optional.of("an unspecified");
        }
        if (a.isLoopbackAddress()) {
            return Optional.of("a loopback");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local");
        }
        if (a.isSiteLocalAddress()) {
            return Optional.of("a private");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast");
        }
        if (a instanceof Inet4Address && isAllOnes(a.getAddress())) {
            return Optional.of("a broadcast");
        }
        for (Cidr c : NOT_PUBLIC) {
            if (c.contains(a)) {
                return Optional.of("a private or reserved");
            }
        }
        return Optional.empty();
    }

    private static boolean isZeroOrOne(byte[] b) {
        for (int i = 0; i < b.length - 1; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[b.length - 1] == 0 || b[b.length - 1] == 1;
    }

    private static boolean isAllOnes(byte[] b) {
        for (byte x : b) {
            if (x != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code host} as a literal address, read as the C library's {@code inet_aton} reads IPv4 (1 to
     * 4 parts, each decimal, {@code 0x} hexadecimal or {@code 0} octal) and IPv6 in its text forms;
     * empty when it is a name.
     */
    static Optional<InetAddress> literal(String host) {
        try {
            if (host.indexOf(':') >= 0) {
                if (!host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?")) {
                    return Optional.empty();
                }
                // a literal: no lookup happens
                return Optional.of(InetAddress.getByName(host));
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length > 4) {
                return Optional.empty();
            }
            long[] values = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                Optional<Long> v = number(parts[i]);
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                values[i] = v.get();
            }
            long address = 0;
            int n = values.length;
            for (int i = 0; i < n - 1; i++) {
                if (values[i] > 255) {
                    return Optional.empty();
                }
                address |= values[i] << (24 - 8 * i);
            }
            long last = values[n - 1];
            if (last >= (1L << (8 * (5 - n)))) {
                return Optional.empty();
            }
            address |= last;
            byte[] b = BigInteger.valueOf(address | (1L << 32)).toByteArray();
            return Optional.of(InetAddress.getByAddress(new byte[] {b[1], b[2], b[3], b[4]}));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return Optional.empty();
        }
        try {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                return part.length() == 2
                        ? Optional.of(0L)
                        : Optional.of(Long.parseLong(part.substring(2), 16));
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return Optional.of(Long.parseLong(part.substring(1), 8));
            }
            if (!part.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(part));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** An address range: a network address and a prefix length. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String s) {
            String[] p = s.split("/", 2);
            InetAddress a =
                    literal(p[0])
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "not an address range: '" + s + "'"));
            byte[] bytes = a.getAddress();
            int prefix;
            try {
                prefix = p.length == 2 ? Integer.parseInt(p[1]) : bytes.length * 8;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address range: '" + s + "'");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("not an address range: '" + s + "'");
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
