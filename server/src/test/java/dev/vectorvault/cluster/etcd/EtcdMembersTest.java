package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdTesting.b;
import static dev.vectorvault.cluster.etcd.EtcdTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.cluster.Coordination;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.testkit.EtcdCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A 3-member etcd losing members, and etcd with authentication on. */
@Timeout(120)
class EtcdMembersTest {

    @Test
    void aThreeMemberClusterKeepsWorkingWithOneMemberKilled() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(3);
             // A write forwarded to a leader that just died waits for etcd's own timeout (5 s + 2 elections)
             // before it fails and is retried: the request timeout must be longer.
             EtcdCoordination coordination = EtcdTesting.connect(etcd.endpointsCsv(), "etcd.requestTimeout",
                     "10000")) {
            String prefix = EtcdTesting.uniquePrefix();
            MetaStore store = coordination.keys(prefix);
            EtcdCoordinationTest.Recorder recorder = new EtcdCoordinationTest.Recorder();
            try (Coordination.Subscription ignored = coordination.watch(prefix, coordination.revision(), recorder)) {
                store.put("before", b("1"));
                for (int member = 0; member < 2; member++) {
                    etcd.kill(member);
                    // Requests may wait for a new leader (election timeout 500 ms) but must not fail.
                    store.put("k" + member, b("written with m" + member + " down"));
                    assertThat(store.putIfAbsent("k" + member, b("again"))).isFalse();
                    assertThat(s(store.get("k" + member).orElseThrow())).isEqualTo("written with m" + member
                            + " down");
                    long lease = coordination.grantLease(10);
                    assertThat(coordination.keepAliveOnce(lease)).isPositive();
                    coordination.revokeLease(lease);
                    etcd.restart(member);
                }
                assertThat(store.scan("").keySet()).containsExactly("before", "k0", "k1");
                List<EtcdCoordinationTest.Call> calls = recorder.take(3);
                assertThat(calls).extracting(c -> c.changes().get(0)).containsExactly(prefix + "before=1",
                        prefix + "k0=written with m0 down", prefix + "k1=written with m1 down");
            }
        }
    }

    @Test
    void withAuthenticationTheConfiguredUserConnectsAndAWrongPasswordIsRefusedWithoutShowingIt() {
        try (EtcdCluster etcd = EtcdCluster.start(1)) {
            etcd.enableAuth("etcd-root-secret");
            try (EtcdCoordination coordination = EtcdTesting.connect(etcd.endpointsCsv(), "etcd.auth.enabled",
                    "true", "etcd.auth.userName", "root", "etcd.auth.password", "etcd-root-secret")) {
                MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
                store.put("k", b("v"));
                assertThat(store.get("k")).isPresent();
            }
            assertThatThrownBy(() -> EtcdTesting.connect(etcd.endpointsCsv(), "etcd.auth.enabled", "true",
                    "etcd.auth.userName", "root", "etcd.auth.password", "wrong-password-123"))
                    .isInstanceOfSatisfying(MilvusException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.META_STORE_UNAVAILABLE))
                    .hasMessageContaining(etcd.endpoints().get(0))
                    .message().doesNotContain("wrong-password-123");
            assertThatThrownBy(() -> EtcdTesting.connect(etcd.endpointsCsv()))
                    .as("no credentials").isInstanceOf(MilvusException.class);
        }
    }
}
