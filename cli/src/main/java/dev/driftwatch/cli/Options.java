package dev.driftwatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks of option values shared by several subcommands: each throws an {@link InputException}
 * naming the option, before the command starts anything.
 */
final class Options {
    private static final Pattern HOST_PORT =
            Pattern.compile("[^\\s,:]+:\\d{1,5}|\\[[0-9a-fA-F:.]+\\]:\\d{1,5}");

    private Options() {}

    static void requireBins(int bins) {
        if (bins < 2 || bins > 1000) {
            throw new InputException("--bins must be between 2 and 1000, was " + bins);
        }
    }

    /** A TCP port; 0 (any free port) only where {@code anyAllowed}. */
    static void requirePort(String option, int port, boolean anyAllowed) {
        int min = anyAllowed ? 0 : 1;
        if (port < min || port > 65535) {
            throw new InputException(
                    option + " must be between " + min + " and 65535, was " + port);
        }
    }

    /** A directory, or a path where one can be created (not an existing file). */
    static void requireDirectory(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException(option + " " + dir + " is a file, not a directory");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && (!Files.isDirectory(existing) || !Files.isWritable(existing))) {
            throw new InputException(option + " " + dir + " cannot be created in " + existing);
        }
    }

    /** An existing regular file. */
    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": file not found");
        }
    }

    /** A comma-separated list of host:port pairs. */
    static void requireBootstrapServers(String option, String servers) {
        if (servers == null || servers.isBlank()) {
            throw new InputException(option + " is empty");
        }
        for (String s : servers.split(",", -1)) {
            String hostPort = s.strip();
            if (!HOST_PORT.matcher(hostPort).matches()
                    || Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1))
                            > 65535) {
                throw new InputException(
                        option
                                + " must be a comma-separated list of HOST:PORT, was '"
                                + servers
                                + "'");
            }
        }
    }

    /** A non-empty value without whitespace (topic names and the like). */
    static void requireName(String option, String value) {
        if (value == null || value.isBlank() || !value.strip().equals(value)) {
            throw new InputException(option + " must be a non-empty name, was '" + value + "'");
        }
    }
}
