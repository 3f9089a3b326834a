package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Map<String, String> hashes = new HashMap<>(Map.of("alice", "h1", "bob", "h2"));
    private final List<Long> ended = new ArrayList<>();

    private ConsoleSessions sessions(long idleMs, int max) {
        return new ConsoleSessions(idleMs, max, now::get, user -> Optional.ofNullable(hashes.get(user)), ended::add);
    }

    @Test
    void aSessionEndsAfterItsIdleTimeoutButEachRequestRestartsIt() {
        ConsoleSessions sessions = sessions(1000, 10);
        ConsoleSessions.Session s = sessions.create("alice", "auth", "h1", -1);
        now.addAndGet(999);
        assertThat(sessions.find(s.id)).isPresent();
        now.addAndGet(999);
        assertThat(sessions.find(s.id)).isPresent();
        now.addAndGet(1000);
        assertThat(sessions.find(s.id)).isEmpty();
        assertThat(ended).containsExactly(-1L);
    }

    @Test
    void aChangedOrDeletedCredentialEndsTheSession() {
        ConsoleSessions sessions = sessions(60_000, 10);
        ConsoleSessions.Session alice = sessions.create("alice", "auth", "h1", -1);
        ConsoleSessions.Session bob = sessions.create("bob", "auth", "h2", -2);
        hashes.put("alice", "h1-new");
        hashes.remove("bob");
        assertThat(sessions.find(alice.id)).isEmpty();
        assertThat(sessions.find(bob.id)).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void beyondTheLimitTheLeastRecentlyUsedSessionEnds() {
        ConsoleSessions sessions = sessions(60_000, 2);
        ConsoleSessions.Session first = sessions.create("alice", "auth", "h1", -1);
        ConsoleSessions.Session second = sessions.create("alice", "auth", "h1", -2);
        assertThat(sessions.find(first.id)).isPresent(); // now second is the least recently used
        ConsoleSessions.Session third = sessions.create("alice", "auth", "h1", -3);
        assertThat(sessions.find(second.id)).isEmpty();
        assertThat(sessions.find(first.id)).isPresent();
        assertThat(sessions.find(third.id)).isPresent();
        assertThat(ended).containsExactly(-2L);
    }

    @Test
    void tokensAreRandomAndTheCsrfCheckIsExact() {
        ConsoleSessions sessions = sessions(60_000, 10);
        ConsoleSessions.Session a = sessions.create("alice", "auth", "h1", -1);
        ConsoleSessions.Session b = sessions.create("alice", "auth", "h1", -2);
        assertThat(a.id).isNotEqualTo(b.id).isNotEqualTo(a.csrfToken);
        assertThat(a.csrfMatches(a.csrfToken)).isTrue();
        assertThat(a.csrfMatches(b.csrfToken)).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.toString()).doesNotContain(a.id, a.csrfToken, "auth");
    }
}
