package dev.driftwatch.registry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Session ids: random, opaque, expiring, closed at logout, bounded in number. */
class ConsoleSessionsTest {
    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-11-30T04:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void idsAreRandomAndSayNothingOfTheToken() {
        ConsoleSessions sessions = new ConsoleSessions(new MovingClock());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = sessions.open(7, "reader-token", "reader");
            assertThat(id).hasSize(43).matches("[A-Za-z0-9_-]+").doesNotContain("reader");
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
        assertThat(sessions.find(ids.iterator().next()).orElseThrow().tokenId()).isEqualTo(7);
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void aSessionEndsAfterItsLifetimeOrAtLogout() {
        MovingClock clock = new MovingClock();
        ConsoleSessions sessions = new ConsoleSessions(clock);
        String a = sessions.open(1, "a", "reader");
        String b = sessions.open(2, "b", "admin");
        sessions.close(b);
        assertThat(sessions.find(b)).isEmpty();
        clock.now = clock.now.plus(ConsoleSessions.LIFETIME).minusMillis(1);
        assertThat(sessions.find(a)).isPresent();
        clock.now = clock.now.plusMillis(1);
        assertThat(sessions.find(a)).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aLoginBeyondTheLimitEndsTheSessionClosestToExpiry() {
        MovingClock clock = new MovingClock();
        ConsoleSessions sessions = new ConsoleSessions(clock);
        String oldest = sessions.open(1, "a", "reader");
        clock.now = clock.now.plusSeconds(1);
        for (int i = 1; i < ConsoleSessions.MAX_SESSIONS; i++) {
            sessions.open(1, "a", "reader");
        }
        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        String newest = sessions.open(1, "a", "reader");
        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        assertThat(sessions.find(oldest)).isEmpty();
        assertThat(sessions.find(newest)).isPresent();
    }
}
