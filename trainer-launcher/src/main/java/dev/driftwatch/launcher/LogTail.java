package dev.driftwatch.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of a run's log, bounded in lines and bytes so a chatty trainer cannot flood us.
 */
public final class LogTail {
    /** Lines kept from a failed run's log. */
    public static final int LINES = 50;

    /** Bytes read from the end of a log at most. */
    public static final int MAX_BYTES = 16 * 1024;

    private LogTail() {}

    /** The last {@link #LINES} lines of {@code text}. */
    public static String of(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String t = text.length() > MAX_BYTES ? text.substring(text.length() - MAX_BYTES) : text;
        List<String> lines = Arrays.asList(t.split("\r?\n", -1));
        int end = lines.size();
        if (end > 0 && lines.get(end - 1).isEmpty()) {
            end--;
        }
        return String.join("\n", lines.subList(Math.max(0, end - LINES), end));
    }

    /** The last lines of the file, or empty when it does not exist. */
    public static String ofFile(Path file) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "(could not read the log " + file + ": " + e.getMessage() + ")";
        }
    }
}
