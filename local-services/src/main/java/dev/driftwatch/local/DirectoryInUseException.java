package dev.driftwatch.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * A data directory is in use by a server that is running: its lock file is held by a live process
 * (named by pid where the system says which, from {@code /proc/locks}).
 */
public final class DirectoryInUseException extends IllegalStateException {
    DirectoryInUseException(String message) {
        super(message);
    }

    /**
     * Throws when a process holds a lock on {@code lockFile} (a file that a server locks while it
     * runs on the directory); returns when nobody does. A process that died holds no lock.
     */
    static void requireFree(Path lockFile, String what) throws IOException {
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock probe = channel.tryLock()) {
            if (probe != null) {
                return;
            }
        } catch (OverlappingFileLockException e) {
            throw new DirectoryInUseException(
                    what + " in " + lockFile.getParent() + " is in use by this process already");
        }
        throw new DirectoryInUseException(
                what
                        + " in "
                        + lockFile.getParent()
                        + " is in use by "
                        + holder(lockFile)
                                .map(DirectoryInUseException::describe)
                                .orElse("another process")
                        + "; stop it or choose another data directory");
    }

    /** The pid holding a POSIX lock on {@code file}, from Linux's {@code /proc/locks}. */
    static Optional<Long> holder(Path file) {
        Path locks = Path.of("/proc/locks");
        try {
            Object inode = Files.getAttribute(file, "unix:ino");
            List<String> lines = Files.readAllLines(locks);
            for (String line : lines) {
                // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[5].endsWith(":" + inode)) {
                    return Optional.of(Long.parseLong(f[4]));
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not Linux, or no such attribute: the message names no pid
        }
        return Optional.empty();
    }

    /** "pid N (command)" for a message. */
    static String describe(long pid) {
        String command =
                ProcessHandle.of(pid)
                        .flatMap(p -> p.info().command())
                        .map(c -> " (" + Path.of(c).getFileName() + ")")
                        .orElse("");
        return "pid " + pid + command;
    }
}
