package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads and writes the versioned binary form of estimated performance windows: the magic bytes
 * {@code "DWEP"}, a version byte, the task ordinal, then the window's fields (big-endian).
 *
 * <pre>{@code
 * byte[] bytes = EstimatedPerformanceWindows.toByteArray(window);
 * EstimatedPerformance back = EstimatedPerformanceWindows.heapify(bytes);
 * }</pre>
 */
public final class EstimatedPerformanceWindows {
    public static final byte FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'D', 'W', 'E', 'P'};

    private EstimatedPerformanceWindows() {}

    public static byte[] toByteArray(EstimatedPerformance e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(e.task().ordinal());
            e.writeTo(out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    public static EstimatedPerformance heapify(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DriftCoreException(
                        "estimated performance bytes: not a Driftwatch estimated performance window");
            }
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new DriftCoreException(
                        "estimated performance bytes: unsupported format version " + version);
            }
            int task = in.readByte();
            EstimatedPerformance e;
            if (task == TaskType.BINARY.ordinal()) {
                e = EstimatedBinaryPerformance.readFrom(in);
            } else if (task == TaskType.MULTICLASS.ordinal()) {
                e = EstimatedMulticlassPerformance.readFrom(in);
            } else {
                throw new DriftCoreException("estimated performance bytes: unknown task " + task);
            }
            if (in.available() > 0) {
                throw new DriftCoreException(
                        "estimated performance bytes: " + in.available() + " trailing bytes");
            }
            return e;
        } catch (EOFException e) {
            throw new DriftCoreException("estimated performance bytes: truncated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
