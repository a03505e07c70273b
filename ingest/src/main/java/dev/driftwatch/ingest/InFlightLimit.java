package dev.driftwatch.ingest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the requests, and their bytes, that wait for Kafka at once: beyond either bound a request
 * is refused at once (503) instead of queueing, so a slow or absent broker cannot exhaust memory or
 * threads.
 */
final class InFlightLimit {
    private final int maxRequests;
    private final long maxBytes;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    InFlightLimit(int maxRequests, long maxBytes) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /** A permit for a request of {@code size} bytes, or null when a bound would be passed. */
    Permit tryAcquire(long size) {
        if (requests.incrementAndGet() > maxRequests) {
            requests.decrementAndGet();
            return null;
        }
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            requests.decrementAndGet();
            return null;
        }
        return new Permit(size);
    }

    int requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** Held while a request is in flight; released exactly once. */
    final class Permit {
        private final long size;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(long size) {
            this.size = size;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                bytes.addAndGet(-size);
                requests.decrementAndGet();
            }
        }
    }
}
