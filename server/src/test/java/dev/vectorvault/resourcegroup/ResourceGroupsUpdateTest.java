package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.ForwardingMetaStore;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * UpdateResourceGroups is all or nothing even when the store fails the write: a store that refuses any write touching
 * one group's record leaves every group of the update as it was, in the registry and in the store (read back by a
 * fresh registry). Writing the groups one at a time would have stored the first before failing on the second.
 */
class ResourceGroupsUpdateTest {

    @Test
    void anUpdateTheStoreFailsChangesNoGroup() {
        MetaStore store = new RefusingStore(MvMetaStore.inMemory(), ResourceGroupRecords.GROUP_PREFIX + "rg2");
        ResourceGroups groups = new ResourceGroups(store, List::of, 16, 16, 255);
        groups.create("rg1", Optional.of(ResourceGroupConfig.of(0, 1)));
        groups.create("rg3", Optional.of(ResourceGroupConfig.of(0, 1)));
        ((RefusingStore) store).create("rg2");
        groups.reload();

        TreeMap<String, ResourceGroupConfig> update = new TreeMap<>();
        update.put("rg1", ResourceGroupConfig.of(2, 2));
        update.put("rg2", ResourceGroupConfig.of(3, 3));
        assertThatThrownBy(() -> groups.update(update)).isInstanceOf(StorageException.class);

        assertThat(groups.describe("rg1").config()).isEqualTo(ResourceGroupConfig.of(0, 1));
        assertThat(groups.describe("rg2").config()).isEqualTo(ResourceGroupConfig.of(0, 0));
        ResourceGroups reread = new ResourceGroups(store, List::of, 16, 16, 255);
        assertThat(reread.describe("rg1").config()).isEqualTo(ResourceGroupConfig.of(0, 1));
        assertThat(reread.describe("rg2").config()).isEqualTo(ResourceGroupConfig.of(0, 0));

        TreeMap<String, ResourceGroupConfig> allowed = new TreeMap<>();
        allowed.put("rg1", ResourceGroupConfig.of(2, 2));
        allowed.put("rg3", ResourceGroupConfig.of(1, 1));
        groups.update(allowed);
        ResourceGroups after = new ResourceGroups(store, List::of, 16, 16, 255);
        assertThat(after.describe("rg1").config()).isEqualTo(ResourceGroupConfig.of(2, 2));
        assertThat(after.describe("rg3").config()).isEqualTo(ResourceGroupConfig.of(1, 1));
    }

    /**
     * One transaction writes an update's groups and etcd bounds a transaction's keys: an update naming more groups than
     * {@code metastore.maxEtcdTxnNum} is refused whole, before anything is written.
     */
    @Test
    void anUpdateNamingMoreGroupsThanOneTransactionHoldsIsRefusedWhole() {
        MetaStore store = MvMetaStore.inMemory();
        ResourceGroups groups = new ResourceGroups(store, List::of, 16, 2, 255);
        TreeMap<String, ResourceGroupConfig> update = new TreeMap<>();
        for (String name : List.of("rg1", "rg2", "rg3")) {
            groups.create(name, Optional.empty());
            update.put(name, ResourceGroupConfig.of(1, 1));
        }

        assertThatThrownBy(() -> groups.update(update)).isInstanceOfSatisfying(MilvusException.class, e -> assertThat(
                e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessageContaining("[expected=at most 2 resource groups, metastore.maxEtcdTxnNum")
                .hasMessageContaining("[actual=3]");
        ResourceGroups reread = new ResourceGroups(store, List::of, 16, 2, 255);
        assertThat(List.of("rg1", "rg2", "rg3")).allSatisfy(name -> assertThat(reread.describe(name).config())
                .isEqualTo(ResourceGroupConfig.of(0, 0)));

        update.remove("rg3");
        groups.update(update);
        assertThat(new ResourceGroups(store, List::of, 16, 2, 255).describe("rg2").config())
                .isEqualTo(ResourceGroupConfig.of(1, 1));
    }

    /** A metadata store whose every write of {@code refusedKey} fails (as a full disk or a refused etcd request). */
    private static final class RefusingStore extends ForwardingMetaStore {
        private final String refusedKey;

        RefusingStore(MetaStore store, String refusedKey) {
            super(store);
            this.refusedKey = refusedKey;
        }

        /** Writes the refused group's record behind the fault, so the group exists to be updated. */
        void create(String name) {
            store.put(refusedKey, ResourceGroupRecords.encodeGroup(name, ResourceGroupConfig.of(0, 0)));
        }

        private void refuse(String key) {
            if (key.equals(refusedKey)) {
                throw new StorageException("injected: cannot write " + key, null);
            }
        }

        @Override
        public void put(String key, byte[] value) {
            refuse(key);
            super.put(key, value);
        }

        @Override
        public void putAll(SortedMap<String, byte[]> entries) {
            entries.keySet().forEach(this::refuse);
            super.putAll(entries);
        }

        @Override
        public void deleteAll(SortedSet<String> keys) {
            keys.forEach(this::refuse);
            super.deleteAll(keys);
        }

        @Override
        public boolean putIfAbsent(String key, byte[] value) {
            refuse(key);
            return super.putIfAbsent(key, value);
        }

        @Override
        public boolean replace(String key, byte[] expected, byte[] value) {
            refuse(key);
            return super.replace(key, expected, value);
        }

        @Override
        public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
            entries.keySet().forEach(this::refuse);
            return super.putAllWhile(guardKey, guardValue, entries);
        }

        @Override
        public boolean deleteTree(String key) {
            refuse(key);
            return super.deleteTree(key);
        }
    }
}
