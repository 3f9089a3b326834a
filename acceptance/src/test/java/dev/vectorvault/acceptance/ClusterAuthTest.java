package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.rbac.request.CreateRoleReq;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import io.milvus.v2.service.rbac.request.DropUserReq;
import io.milvus.v2.service.rbac.request.GrantPrivilegeReqV2;
import io.milvus.v2.service.rbac.request.GrantRoleReq;
import io.milvus.v2.service.rbac.request.RevokePrivilegeReqV2;
import io.milvus.v2.service.rbac.request.RevokeRoleReq;
import io.milvus.v2.service.rbac.request.UpdatePasswordReq;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.EtcdLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode through the official Java SDK: three server processes sharing a real three-member etcd, with
 * authentication on. A credential or grant change made on one node holds on every other node by the time the call
 * returns: no node accepts an old password or a revoked privilege afterwards. Also: a killed node's peers keep
 * serving and it rejoins and catches up; a killed etcd member changes nothing; a node cut off from etcd refuses
 * calls once its session TTL has run out and serves again after it reconnects; two nodes creating the same user at
 * once give one success.
 *
 * <p>The randomized part prints its seed; replay with {@code -Dcluster.seed=N}.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAuthTest {
    private static final String PW = "ClusterPw_";
    private static final String COLLECTION = "cluster_docs";
    private static final int TTL_SECONDS = 3;

    @TempDir
    static Path dir;
    static EtcdCluster etcd;
    /** Between node 2 and every etcd member, so the test can cut that node off. */
    static EtcdLink relay;
    static final List<ServerProcess> nodes = new ArrayList<>();
    static final List<MilvusClientV2> roots = new ArrayList<>();

    /**
     * The three nodes start side by side, each in a thread of its own that returns once its node listens: a start is
     * mostly a JVM warming up and joining etcd, which then overlaps.
     */
    @BeforeAll
    static void startCluster() throws Exception {
        etcd = EtcdCluster.start(3, Files.createDirectories(dir.resolve("etcd")));
        relay = etcd.link();
        ExecutorService starters = Executors.newFixedThreadPool(3);
        try {
            List<Future<ServerProcess>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String endpoints = i == 2 ? relay.endpointsCsv() : etcd.endpointsCsv();
                Path nodeDir = dir.resolve("node" + i);
                starts.add(starters.submit(() -> ServerProcess.startWithAuth(nodeDir,
                        "etcd.endpoints", endpoints,
                        "proxy.internalPort", Integer.toString(ServerProcess.freePort()),
                        "common.session.ttl", Integer.toString(TTL_SECONDS),
                        "cluster.changeAckTimeoutMs", "1000")));
            }
            ExecutionException failed = null;
            for (Future<ServerProcess> start : starts) {
                try {
                    nodes.add(start.get()); // in node order: nodes.get(2) is the one behind the relay
                } catch (ExecutionException e) {
                    failed = failed == null ? e : failed; // the others still join, so stopCluster closes them
                }
            }
            if (failed != null) {
                throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
            }
        } finally {
            starters.shutdown();
        }
        nodes.forEach(node -> roots.add(Clients.root(node)));
        roots.get(0).createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).dimension(4).build());
    }

    @AfterAll
    static void stopCluster() {
        roots.forEach(MilvusClientV2::close);
        nodes.forEach(ServerProcess::close);
        if (relay != null) {
            relay.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    @Order(1)
    void aUserCreatedOnOneNodeLogsInOnAnother() {
        roots.get(0).createUser(CreateUserReq.builder().userName("cl_ann").password(PW + "ann").build());
        try (AutoCloseableClient ann = client(1, "cl_ann", PW + "ann")) {
            // Accepted (a user without grants sees no database, as in Milvus); a wrong password is refused there.
            assertThat(ann.client().listDatabases().getDatabaseNames()).isEmpty();
        }
        assertThatThrownBy(() -> client(1, "cl_ann", PW + "wrong")).hasMessageContaining("auth");
    }

    @Test
    @Order(2)
    void aPasswordResetOnOneNodeRefusesAnotherNodesOpenClientOnItsNextCall() {
        roots.get(0).createUser(CreateUserReq.builder().userName("cl_ben").password(PW + "ben1").build());
        try (AutoCloseableClient benOnA = client(0, "cl_ben", PW + "ben1")) {
            benOnA.client().listDatabases();
            roots.get(1).updatePassword(UpdatePasswordReq.builder().userName("cl_ben").password(PW + "ben1")
                    .newPassword(PW + "ben2").build());
            assertThat(refused(() -> benOnA.client().listDatabases())).contains("auth");
        }
        try (AutoCloseableClient benAgain = client(2, "cl_ben", PW + "ben2")) {
            benAgain.client().listDatabases();
        }
    }

    @Test
    @Order(3)
    void aRevokeOnOneNodeDeniesOnAnotherNodesNextCall() {
        roots.get(0).createUser(CreateUserReq.builder().userName("cl_cat").password(PW + "cat").build());
        roots.get(0).createRole(CreateRoleReq.builder().roleName("cl_reader").build());
        roots.get(0).grantRole(GrantRoleReq.builder().userName("cl_cat").roleName("cl_reader").build());
        grant(roots.get(0), "cl_reader");
        try (AutoCloseableClient catOnB = client(1, "cl_cat", PW + "cat")) {
            describe(catOnB.client());
            revoke(roots.get(0), "cl_reader");
            assertThat(refused(() -> describe(catOnB.client()))).contains("permission deny");
        }
    }

    /**
     * Random changes on random nodes, each checked on a random node right after the changing call returned: the
     * check never sees the old credential or grant accepted (nor the new one refused).
     */
    @Test
    @Order(4)
    void randomChangesAreNeverSeenStaleOnAnyNode() throws Exception {
        long seed = Long.getLong("cluster.seed", System.nanoTime());
        System.out.println("ClusterAuthTest.randomChanges seed=" + seed + " (replay: -Dcluster.seed=" + seed + ")");
        Random random = new Random(seed);
        int users = 3;
        String[] passwords = new String[users];
        boolean[] bound = new boolean[users];
        boolean[] granted = new boolean[users];
        Map<String, AutoCloseableClient> clients = new HashMap<>();
        for (int u = 0; u < users; u++) {
            passwords[u] = PW + "r" + u + "_0";
            roots.get(0).createUser(CreateUserReq.builder().userName(user(u)).password(passwords[u]).build());
            roots.get(0).createRole(CreateRoleReq.builder().roleName(role(u)).build());
        }
        try {
            int changes = Integer.getInteger("cluster.changes", 200);
            for (int step = 0; step < changes; step++) {
                int u = random.nextInt(users);
                int on = random.nextInt(nodes.size());
                int check = random.nextInt(nodes.size());
                String context = "seed=" + seed + " step=" + step + " user=" + u + " changedOn=" + on + " checkedOn="
                        + check;
                int kind = random.nextInt(10);
                if (kind == 0) {
                    String old = passwords[u];
                    String next = PW + "r" + u + "_" + (step + 1);
                    AutoCloseableClient oldClient = cached(clients, check, u, old);
                    roots.get(on).updatePassword(UpdatePasswordReq.builder().userName(user(u)).password(old)
                            .newPassword(next).build());
                    passwords[u] = next;
                    assertThat(refused(() -> oldClient.client().listDatabases())).as(context).contains("auth");
                    clients.remove(key(check, u, old)).close();
                    cached(clients, check, u, next).client().listDatabases();
                } else if (kind < 4) {
                    if (bound[u]) {
                        roots.get(on).revokeRole(RevokeRoleReq.builder().userName(user(u)).roleName(role(u)).build());
                    } else {
                        roots.get(on).grantRole(GrantRoleReq.builder().userName(user(u)).roleName(role(u)).build());
                    }
                    bound[u] = !bound[u];
                    expectAccess(cached(clients, check, u, passwords[u]), bound[u] && granted[u], context);
                } else {
                    if (granted[u]) {
                        revoke(roots.get(on), role(u));
                    } else {
                        grant(roots.get(on), role(u));
                    }
                    granted[u] = !granted[u];
                    expectAccess(cached(clients, check, u, passwords[u]), bound[u] && granted[u], context);
                }
            }
        } finally {
            clients.values().forEach(AutoCloseableClient::close);
        }
    }

    @Test
    @Order(5)
    void twoNodesCreatingTheSameUserAtOnceGiveOneSuccess() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "cl_dup" + round;
                List<Future<Boolean>> results = new ArrayList<>();
                for (int n = 0; n < 2; n++) {
                    MilvusClientV2 root = roots.get(n);
                    Callable<Boolean> create = () -> {
                        try {
                            root.createUser(CreateUserReq.builder().userName(name).password(PW + "dup").build());
                            return true;
                        } catch (MilvusClientException e) {
                            return false;
                        }
                    };
                    results.add(pool.submit(create));
                }
                int successes = 0;
                for (Future<Boolean> result : results) {
                    successes += result.get() ? 1 : 0;
                }
                assertThat(successes).as(name).isEqualTo(1);
                roots.get(2).dropUser(DropUserReq.builder().userName(name).build());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(6)
    void withOneEtcdMemberKilledEverythingKeepsWorking() throws InterruptedException {
        etcd.kill(1);
        try {
            // If the killed member led the etcd cluster, a write sent before a new leader is elected fails with
            // status 2 (its outcome unknown to etcd's client); the client retries, as an application would.
            retryWhileEtcdElects(() -> roots.get(0).createUser(CreateUserReq.builder().userName("cl_dee")
                    .password(PW + "dee").build()));
            try (AutoCloseableClient dee = client(1, "cl_dee", PW + "dee")) {
                dee.client().listDatabases();
            }
            roots.get(1).dropUser(DropUserReq.builder().userName("cl_dee").build());
            assertThatThrownBy(() -> client(0, "cl_dee", PW + "dee")).hasMessageContaining("auth");
        } finally {
            etcd.restart(1);
        }
    }

    @Test
    @Order(7)
    void aKilledNodesPeersKeepServingAndItRejoinsWithEveryChange() {
        ServerProcess node1 = nodes.get(1);
        node1.kill9();
        // The change waits for the dead node's lease to end (or revokes it), then returns; the others serve.
        roots.get(0).createUser(CreateUserReq.builder().userName("cl_eve").password(PW + "eve").build());
        try (AutoCloseableClient eve = client(2, "cl_eve", PW + "eve")) {
            eve.client().listDatabases();
        }
        node1.restart();
        roots.set(1, Clients.root(node1));
        try (AutoCloseableClient eve = client(1, "cl_eve", PW + "eve")) {
            eve.client().listDatabases();
        }
    }

    @Test
    @Order(8)
    void aNodeCutOffFromEtcdRefusesAfterItsTtlAndServesAgainAfterReconnecting() throws Exception {
        relay.cut();
        try {
            // Within the TTL it may still answer from its cache; after it, it must refuse with UNAVAILABLE.
            Thread.sleep((TTL_SECONDS + 1) * 1000L);
            assertThat(refused(() -> roots.get(2).listDatabases())).containsIgnoringCase("unavailable");
            // Meanwhile the other nodes accept changes: the cut-off node's lease ends, nobody waits for it.
            roots.get(0).createUser(CreateUserReq.builder().userName("cl_fox").password(PW + "fox").build());
        } finally {
            relay.restore();
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                roots.get(2).listDatabases();
                break;
            } catch (MilvusClientException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        try (AutoCloseableClient fox = client(2, "cl_fox", PW + "fox")) {
            fox.client().listDatabases();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs a create until it succeeds, for at most 30 s, retrying status 2 (etcd unavailable while it elects a leader).
     * "already exists" on a retry means an earlier try was applied after all.
     */
    private static void retryWhileEtcdElects(Runnable create) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        boolean retried = false;
        while (true) {
            try {
                create.run();
                return;
            } catch (MilvusClientException e) {
                if (retried && e.getMessage().contains("already exist")) {
                    return;
                }
                if (e.getServerErrCode() != 2 || System.nanoTime() > deadline) {
                    throw e;
                }
                retried = true;
                Thread.sleep(300);
            }
        }
    }

    private static String user(int u) {
        return "cl_rand" + u;
    }

    private static String role(int u) {
        return "cl_rand_role" + u;
    }

    private static String key(int node, int u, String password) {
        return node + "/" + u + "/" + password;
    }

    private static AutoCloseableClient cached(Map<String, AutoCloseableClient> clients, int node, int u,
                                              String password) {
        return clients.computeIfAbsent(key(node, u, password), k -> client(node, user(u), password));
    }

    private static void expectAccess(AutoCloseableClient client, boolean allowed, String context) {
        if (allowed) {
            describe(client.client());
        } else {
            assertThat(refused(() -> describe(client.client()))).as(context).contains("permission deny");
        }
    }

    private static void describe(MilvusClientV2 client) {
        client.getLoadState(GetLoadStateReq.builder().collectionName(COLLECTION).build());
    }

    private static void grant(MilvusClientV2 root, String role) {
        root.grantPrivilegeV2(GrantPrivilegeReqV2.builder().roleName(role).privilege("GetLoadState")
                .dbName("default").collectionName(COLLECTION).build());
    }

    private static void revoke(MilvusClientV2 root, String role) {
        root.revokePrivilegeV2(RevokePrivilegeReqV2.builder().roleName(role).privilege("GetLoadState")
                .dbName("default").collectionName(COLLECTION).build());
    }

    private static String refused(Runnable call) {
        try {
            call.run();
        } catch (MilvusClientException e) {
            return e.getMessage();
        }
        throw new AssertionError("the call was accepted but should have been refused");
    }

    private static AutoCloseableClient client(int node, String user, String password) {
        return new AutoCloseableClient(Clients.as(nodes.get(node), user, password));
    }

    /** try-with-resources for the SDK client (its close() declares InterruptedException). */
    record AutoCloseableClient(MilvusClientV2 client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }
}
