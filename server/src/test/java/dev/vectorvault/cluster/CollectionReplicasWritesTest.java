package dev.vectorvault.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A replica's group lives in two records (the placement, and the resource groups' record of it): loading, transferring
 * and releasing write both in one transaction, so a node dying between two writes cannot leave one without the other.
 */
class CollectionReplicasWritesTest {
    private static final String GROUP_RECORD = "resource-group-replica/7";

    @Test
    void placingRegroupingAndRemovingWriteThePlacementAndItsGroupRecordInOneTransaction() {
        RecordingStore store = new RecordingStore(MvMetaStore.inMemory());
        CollectionReplicas replicas = replicas(store);
        String placementKey = CollectionReplicas.PREFIX + 7;

        ReplicaPlacement placed = replicas.place(7, List.of("rg1"), p -> record(p));
        assertThat(store.transactions).containsExactly(List.of("put " + placementKey, "put " + GROUP_RECORD));
        assertThat(store.get(GROUP_RECORD).map(RecordingStore::text)).contains(placed.replicas().get(0).resourceGroup());

        store.transactions.clear();
        long replicaId = placed.replicas().get(0).replicaId();
        ReplicaPlacement moved = replicas.regroup(7, Map.of(replicaId, "rg2"), p -> record(p));
        assertThat(moved.replicas()).extracting(ReplicaPlacement.Replica::resourceGroup).containsExactly("rg2");
        assertThat(store.transactions).containsExactly(List.of("put " + placementKey, "put " + GROUP_RECORD));
        assertThat(store.get(GROUP_RECORD).map(RecordingStore::text)).contains("rg2");

        store.transactions.clear();
        replicas.remove(7, Set.of(GROUP_RECORD));
        assertThat(store.transactions).containsExactly(List.of("delete " + placementKey, "delete " + GROUP_RECORD));
        assertThat(store.scan("")).doesNotContainKeys(placementKey, GROUP_RECORD);
    }

    /** One node (id 1), the owner, in both groups' reach: rg1 holds it, then rg2 does. */
    private static CollectionReplicas replicas(MetaStore store) {
        Membership membership = new Membership(null);
        CollectionOwners owners = new CollectionOwners(null, store, membership, 1);
        CollectionReplicas replicas = new CollectionReplicas(store, membership, owners, 1);
        replicas.groupMembership(() -> Map.of("rg1", List.of(1L), "rg2", List.of(1L)));
        return replicas;
    }

    private static SortedMap<String, byte[]> record(ReplicaPlacement placement) {
        SortedMap<String, byte[]> record = new TreeMap<>();
        record.put(GROUP_RECORD, placement.replicas().get(0).resourceGroup().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Records the keys each write transaction touched (owner claims, written with putIfAbsent, are left out). */
    private static final class RecordingStore extends ForwardingMetaStore {
        final List<List<String>> transactions = new ArrayList<>();

        RecordingStore(MetaStore store) {
            super(store);
        }

        static String text(byte[] value) {
            return new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public void put(String key, byte[] value) {
            transactions.add(List.of("put " + key));
            super.put(key, value);
        }

        @Override
        public void putAll(SortedMap<String, byte[]> entries) {
            transactions.add(entries.keySet().stream().map(k -> "put " + k).toList());
            super.putAll(entries);
        }

        @Override
        public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
            transactions.add(entries.keySet().stream().map(k -> "put " + k).toList());
            return super.putAllWhile(guardKey, guardValue, entries);
        }

        @Override
        public void deleteAll(SortedSet<String> keys) {
            transactions.add(keys.stream().map(k -> "delete " + k).toList());
            super.deleteAll(keys);
        }

        @Override
        public boolean replace(String key, byte[] expected, byte[] value) {
            transactions.add(List.of("put " + key));
            return super.replace(key, expected, value);
        }

        @Override
        public boolean deleteTree(String key) {
            transactions.add(List.of("delete " + key));
            return super.deleteTree(key);
        }
    }
}
