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
 * Creates performance accumulators and reads and writes their versioned binary form: the magic
 * bytes {@code "DWPF"}, a version byte, the task ordinal, then the accumulator's fields
 * (big-endian).
 */
public final class PerformanceWindows {
    public static final byte FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'D', 'W', 'P', 'F'};

    private PerformanceWindows() {}

    public static PerformanceAccumulator newInstance(TaskType task) {
        return switch (task) {
            case BINARY -> new BinaryPerformance(BinaryPerformance.DEFAULT_BINS);
            case MULTICLASS -> new MulticlassPerformance(MulticlassPerformance.DEFAULT_MAX_CLASSES);
            case REGRESSION -> new RegressionPerformance();
        };
    }

    public static byte[] toByteArray(PerformanceAccumulator a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(a.task().ordinal());
            a.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static PerformanceAccumulator heapify(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DriftCoreException(
                        "performance bytes: not a Driftwatch performance window");
            }
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new DriftCoreException(
                        "performance bytes: unsupported format version " + version);
            }
            int task = in.readByte();
            if (task < 0 || task >= TaskType.values().length) {
                throw new DriftCoreException("performance bytes: unknown task " + task);
            }
            return switch (TaskType.values()[task]) {
                case BINARY -> BinaryPerformance.readFrom(in);
                case MULTICLASS -> MulticlassPerformance.readFrom(in);
                case REGRESSION -> RegressionPerformance.readFrom(in);
            };
        } catch (EOFException e) {
            throw new DriftCoreException("performance bytes: truncated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
