package dev.driftwatch.ingest.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that decoding is rejected with a given reason and message. */
final class Rejections {
    private Rejections() {}

    static void assertRejected(ThrowingCallable decode, RejectReason reason, String message) {
        assertThatThrownBy(decode)
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining(message)
                .satisfies(
                        e -> assertThat(((PayloadRejectedException) e).reason()).isEqualTo(reason));
    }
}
