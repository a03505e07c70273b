package dev.driftwatch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Files that hold a secret (a token, a password): created readable and writable by their owner only
 * (mode 0600) before any byte is written, and replaced atomically.
 *
 * <pre>{@code
 * String password = PrivateFiles.secret(dir.resolve("postgres.password"), "");
 * }</pre>
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFiles() {}

    /** Writes {@code content} to {@code file} with mode 0600 (where the file system has modes). */
    public static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp =
                posix()
                        ? Files.createTempFile(
                                dir,
                                "." + file.getFileName(),
                                ".tmp",
                                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                        : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The secret stored in {@code file} (its first line), generating one at first use: {@code
     * prefix} and 32 random bytes in URL-safe Base64 (256 bits). An existing file is set back to
     * mode 0600 should someone have widened it.
     */
    public static String secret(Path file, String prefix) throws IOException {
        if (Files.exists(file)) {
            if (posix()) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        write(file, secret + "\n");
        return secret;
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
