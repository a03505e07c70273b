package dev.driftwatch.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TCP sockets in state LISTEN that this JVM and the processes it started hold, read from
 * Linux's {@code /proc/net/tcp}, {@code /proc/net/tcp6} and {@code /proc/<pid>/fd}.
 */
final class ListeningSockets {
    /** A listening socket: its local address, port, and the pid holding it. */
    record Socket(InetAddress address, int port, long pid) {
        boolean isLoopback() {
            // an IPv4-mapped ::ffff:127.x arrives here as the IPv4 address itself
            return address.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port + " (pid " + pid + ")";
        }
    }

    private static final String LISTEN = "0A";
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private ListeningSockets() {}

    /**
     * The listening sockets of this process, of its descendants, and of the processes {@code
     * others} (a PostgreSQL server that pg_ctl started in the background is nobody's child).
     */
    static List<Socket> ofThisProcessAnd(long... others) throws IOException {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        for (long other : others) {
            pids.add(other);
        }
        List<Socket> out = new ArrayList<>();
        for (long pid : pids) {
            Set<String> inodes = socketInodes(pid);
            for (String table : List.of("tcp", "tcp6")) {
                Path file = Path.of("/proc", Long.toString(pid), "net", table);
                if (!Files.exists(file)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.strip().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
                        String[] local = f[1].split(":");
                        out.add(new Socket(address(local[0]), Integer.parseInt(local[1], 16), pid));
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(
                    fd -> {
                        try {
                            Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                            if (m.matches()) {
                                inodes.add(m.group(1));
                            }
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    });
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return inodes;
    }

    /** /proc/net/tcp writes addresses as hex of the in-memory 32-bit words (little-endian). */
    private static InetAddress address(String hex) throws UnknownHostException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
