package dev.driftwatch.core.profile;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * In-memory byte streams for the window binary form without the JDK's per-call locking ({@code
 * ByteArrayInputStream} and {@code ByteArrayOutputStream} synchronise every byte, which the
 * variable-length counts read and write one at a time).
 */
final class Bytes {
    private Bytes() {}

    /** A growable byte sink. */
    static final class Output extends OutputStream {
        private byte[] buf;
        private int size;

        Output(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** A source reading a byte array. */
    static final class Input extends InputStream {
        private final byte[] buf;
        private int pos;

        Input(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return pos < buf.length ? buf[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= buf.length) {
                return -1;
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
