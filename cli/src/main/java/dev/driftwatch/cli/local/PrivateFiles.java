package dev.driftwatch.cli.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold a secret (a token, a password): created readable and writable by their owner only
 * (mode 0600) before any byte is written, and replaced atomically.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Writes {@code content} to {@code file} with mode 0600 (where the file system has modes). */
    public static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp =
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                        ? Files.createTempFile(
                                dir,
                                "." + file.getFileName(),
                                ".tmp",
                                PosixFilePermissions.asFileAttribute(
                                        PosixFilePermissions.fromString("rw-------")))
                        : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
