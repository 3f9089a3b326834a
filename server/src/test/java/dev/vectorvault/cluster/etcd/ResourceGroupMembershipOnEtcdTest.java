package dev.vectorvault.cluster.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.resourcegroup.QueryNode;
import dev.vectorvault.resourcegroup.ResourceGroupConfig;
import dev.vectorvault.resourcegroup.ResourceGroups;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.testkit.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resource-group membership recorded in a real etcd, by two registries standing for two cluster nodes: a joining node
 * displaces no member and both registries read the same record, {@code transfer_from} decides which group gives a
 * group below its requests its nodes, and two registries recomputing at once write the record once and agree.
 */
@Timeout(60)
class ResourceGroupMembershipOnEtcdTest {
    private static final String DEFAULT = ResourceGroups.DEFAULT_GROUP;
    private static EtcdCluster etcd;
    private static EtcdCoordination coordination;

    private final List<QueryNode> live = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        coordination = EtcdTesting.connect(etcd.endpointsCsv());
    }

    @AfterAll
    static void stopEtcd() {
        EtcdTesting.closeBoth(coordination, etcd);
    }

    private ResourceGroups registry(MetaStore store) {
        return new ResourceGroups(store, () -> List.copyOf(live), 16, 16, 255);
    }

    private void nodesJoin(long... ids) {
        for (long id : ids) {
            live.add(new QueryNode(id, "h" + id + ":19530", "h" + id));
        }
    }

    private static Map<String, List<Long>> ids(ResourceGroups groups) {
        Map<String, List<Long>> out = new java.util.TreeMap<>();
        groups.membership().forEach((group, nodes) -> out.put(group, nodes.stream().map(QueryNode::nodeId).sorted()
                .toList()));
        return out;
    }

    private static long recordRevision(MetaStore store) {
        String record = new String(store.get("resource-group-nodes").orElseThrow(), StandardCharsets.UTF_8);
        Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(record);
        assertThat(revision.find()).as(record).isTrue();
        return Long.parseLong(revision.group(1));
    }

    @Test
    void aJoiningNodeDisplacesNoMemberAndEveryNodeReadsTheSameRecord() {
        MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
        ResourceGroups first = registry(store);
        first.create("rg", Optional.of(ResourceGroupConfig.of(2, 2)));
        nodesJoin(10, 11, 12);
        assertThat(ids(first)).isEqualTo(Map.of(DEFAULT, List.of(12L), "rg", List.of(10L, 11L)));

        nodesJoin(1);

        assertThat(ids(first)).isEqualTo(Map.of(DEFAULT, List.of(1L, 12L), "rg", List.of(10L, 11L)));
        ResourceGroups second = registry(store);
        assertThat(ids(second)).isEqualTo(ids(first));
        assertThat(second.describe("rg").nodes()).extracting(QueryNode::nodeId).containsExactly(10L, 11L);
    }

    @Test
    void aGroupBelowItsRequestsTakesItsNodesFromItsTransferFrom() {
        MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
        ResourceGroups groups = registry(store);
        groups.create("rg_spare", Optional.of(ResourceGroupConfig.of(0, 0)));
        groups.create("rg_needy", Optional.of(ResourceGroupConfig.of(0, 0)));
        nodesJoin(1, 2, 3, 4, 5, 6);
        groups.transferNodes(DEFAULT, "rg_spare", 2);
        assertThat(ids(groups).get("rg_spare")).as("TransferNode moves the source's newest nodes").containsExactly(5L,
                6L);
        groups.update(Map.of("rg_spare", ResourceGroupConfig.of(0, 5)));
        assertThat(ids(groups).get("rg_spare")).as("members stay when the requests drop").containsExactly(5L, 6L);

        groups.update(Map.of("rg_needy", new ResourceGroupConfig(2, 2, List.of("rg_spare"), List.of(), Map.of())));

        assertThat(ids(groups)).isEqualTo(Map.of(DEFAULT, List.of(1L, 2L, 3L, 4L), "rg_spare", List.of(),
                "rg_needy", List.of(5L, 6L)));
        ResourceGroups other = registry(store);
        assertThat(ids(other)).isEqualTo(ids(groups));
    }

    @Test
    void twoNodesRecomputingAtOnceWriteOnceAndAgree() throws Exception {
        MetaStore store = coordination.keys(EtcdTesting.uniquePrefix());
        ResourceGroups a = registry(store);
        a.create("rg", Optional.of(ResourceGroupConfig.of(2, 3)));
        nodesJoin(1, 2, 3);
        ResourceGroups b = registry(store);
        assertThat(ids(a)).isEqualTo(ids(b));
        long before = recordRevision(store);
        a.reload();
        b.reload();

        live.removeIf(node -> node.nodeId() == 1);
        nodesJoin(7, 8);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<Map<String, List<Long>>> fromA = pool.submit(() -> {
                start.await();
                return ids(a);
            });
            Future<Map<String, List<Long>>> fromB = pool.submit(() -> {
                start.await();
                return ids(b);
            });
            start.countDown();

            assertThat(fromA.get()).isEqualTo(fromB.get());
        } finally {
            pool.shutdownNow();
        }
        assertThat(recordRevision(store)).as("one of the two wrote, the other found its answer there")
                .isEqualTo(before + 1);
        assertThat(ids(b)).isEqualTo(ids(a));
        assertThat(recordRevision(store)).isEqualTo(before + 1);
    }
}
