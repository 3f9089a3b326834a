package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The registry records the membership: a store written before the record existed starts from the membership the
 * configurations gave then, TransferNode moves exactly the nodes asked, a registry whose copy of the record is stale
 * re-reads it, and a store refusing the write still gets an answer.
 */
class ResourceGroupsMembershipTest {
    private static final String DEFAULT = ResourceGroups.DEFAULT_GROUP;
    private final List<QueryNode> live = new ArrayList<>();

    private ResourceGroups registry(MetaStore store) {
        return new ResourceGroups(store, () -> List.copyOf(live), 16, 16, 255);
    }

    private void nodesJoin(long... ids) {
        for (long id : ids) {
            live.add(new QueryNode(id, "h" + id + ":19530", "h" + id));
        }
    }

    private static Map<String, List<Long>> ids(Map<String, List<QueryNode>> members) {
        Map<String, List<Long>> out = new TreeMap<>();
        members.forEach((group, nodes) -> out.put(group, nodes.stream().map(QueryNode::nodeId).sorted().toList()));
        return out;
    }

    @Test
    void aStoreWithoutTheRecordStartsFromTheMembershipTheConfigurationsGave() {
        MetaStore store = MvMetaStore.inMemory();
        store.put(ResourceGroupRecords.GROUP_PREFIX + "rg", ResourceGroupRecords.encodeGroup("rg",
                ResourceGroupConfig.of(2, 2)));
        nodesJoin(4, 2, 9, 7);
        Map<String, ResourceGroupConfig> configs = Map.of(DEFAULT, ResourceGroupConfig.of(0,
                ResourceGroupConfig.DEFAULT_GROUP_CAPACITY), "rg", ResourceGroupConfig.of(2, 2));

        Map<String, List<QueryNode>> members = registry(store).membership();

        assertThat(ids(members)).isEqualTo(ids(NodeAssignment.assign(configs, live)))
                .isEqualTo(Map.of(DEFAULT, List.of(7L, 9L), "rg", List.of(2L, 4L)));
        assertThat(store.get(ResourceGroupRecords.MEMBERSHIP_KEY)).isPresent();
    }

    @Test
    void transferNodeMovesExactlyTheNodesAskedAndRefusesMoreThanTheSourceHolds() {
        MetaStore store = MvMetaStore.inMemory();
        ResourceGroups groups = registry(store);
        groups.create("rg", Optional.empty());
        nodesJoin(1, 2, 3, 4);

        groups.transferNodes(DEFAULT, "rg", 2);

        assertThat(ids(groups.membership())).isEqualTo(Map.of(DEFAULT, List.of(1L, 2L), "rg", List.of(3L, 4L)));
        assertThat(groups.describe("rg").config()).isEqualTo(ResourceGroupConfig.of(2, 2));
        assertThatThrownBy(() -> groups.transferNodes("rg", DEFAULT, 3)).isInstanceOfSatisfying(MilvusException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH));
        ResourceGroups reread = registry(store);
        assertThat(ids(reread.membership())).isEqualTo(ids(groups.membership()));
        assertThat(reread.describe("rg").config()).isEqualTo(ResourceGroupConfig.of(2, 2));
    }

    @Test
    void aRegistryWithAStaleRecordRereadsItBeforeTransferring() {
        MetaStore store = MvMetaStore.inMemory();
        ResourceGroups first = registry(store);
        first.create("rg", Optional.empty());
        nodesJoin(1, 2);
        ResourceGroups second = registry(store);
        assertThat(ids(second.membership())).isEqualTo(Map.of(DEFAULT, List.of(1L, 2L), "rg", List.of()));
        nodesJoin(3);
        assertThat(ids(first.membership())).isEqualTo(Map.of(DEFAULT, List.of(1L, 2L, 3L), "rg", List.of()));

        second.reload();
        live.remove(2);
        first.membership();
        second.transferNodes(DEFAULT, "rg", 1);

        first.reload();
        assertThat(ids(first.membership())).isEqualTo(Map.of(DEFAULT, List.of(1L), "rg", List.of(2L)));
        assertThat(ids(second.membership())).isEqualTo(ids(first.membership()));
    }

    @Test
    void aStoreRefusingTheRecordStillGetsTheMembershipAndTheNextReadRecordsIt() {
        RefusingGuardedWrites store = new RefusingGuardedWrites(MvMetaStore.inMemory());
        ResourceGroups groups = registry(store);
        groups.create("rg", Optional.of(ResourceGroupConfig.of(1, 1)));
        nodesJoin(5, 6);
        store.refusing = true;

        assertThat(ids(groups.membership())).isEqualTo(Map.of(DEFAULT, List.of(6L), "rg", List.of(5L)));
        assertThat(store.get(ResourceGroupRecords.MEMBERSHIP_KEY)).isEmpty();

        store.refusing = false;
        assertThat(ids(groups.membership())).isEqualTo(Map.of(DEFAULT, List.of(6L), "rg", List.of(5L)));
        assertThat(store.get(ResourceGroupRecords.MEMBERSHIP_KEY)).isPresent();
    }

    private static final class RefusingGuardedWrites extends ForwardingMetaStore {
        volatile boolean refusing;

        RefusingGuardedWrites(MetaStore store) {
            super(store);
        }

        @Override
        public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
            if (refusing) {
                throw new StorageException("injected: etcd unreachable", null);
            }
            return super.putAllWhile(guardKey, guardValue, entries);
        }
    }
}
