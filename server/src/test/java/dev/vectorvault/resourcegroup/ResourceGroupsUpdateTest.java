package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
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
        ResourceGroups groups = new ResourceGroups(store, List::of, 16, 255);
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
        ResourceGroups reread = new ResourceGroups(store, List::of, 16, 255);
        assertThat(reread.describe("rg1").config()).isEqualTo(ResourceGroupConfig.of(0, 1));
        assertThat(reread.describe("rg2").config()).isEqualTo(ResourceGroupConfig.of(0, 0));

        TreeMap<String, ResourceGroupConfig> allowed = new TreeMap<>();
        allowed.put("rg1", ResourceGroupConfig.of(2, 2));
        allowed.put("rg3", ResourceGroupConfig.of(1, 1));
        groups.update(allowed);
        ResourceGroups after = new ResourceGroups(store, List::of, 16, 255);
        assertThat(after.describe("rg1").config()).isEqualTo(ResourceGroupConfig.of(2, 2));
        assertThat(after.describe("rg3").config()).isEqualTo(ResourceGroupConfig.of(1, 1));
    }

    /** A metadata store whose every write of {@code refusedKey} fails (as a full disk or a refused etcd request). */
    private static final class RefusingStore implements MetaStore {
        private final MetaStore store;
        private final String refusedKey;

        RefusingStore(MetaStore store, String refusedKey) {
            this.store = store;
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
        public Optional<byte[]> get(String key) {
            return store.get(key);
        }

        @Override
        public SortedMap<String, byte[]> scan(String prefix) {
            return store.scan(prefix);
        }

        @Override
        public void put(String key, byte[] value) {
            refuse(key);
            store.put(key, value);
        }

        @Override
        public void putAll(SortedMap<String, byte[]> entries) {
            entries.keySet().forEach(this::refuse);
            store.putAll(entries);
        }

        @Override
        public boolean putIfAbsent(String key, byte[] value) {
            refuse(key);
            return store.putIfAbsent(key, value);
        }

        @Override
        public boolean replace(String key, byte[] expected, byte[] value) {
            refuse(key);
            return store.replace(key, expected, value);
        }

        @Override
        public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
            entries.keySet().forEach(this::refuse);
            return store.putAllWhile(guardKey, guardValue, entries);
        }

        @Override
        public boolean deleteTree(String key) {
            refuse(key);
            return store.deleteTree(key);
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
