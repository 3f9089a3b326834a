package dev.vectorvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MvMetaStoreTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesSurviveReopening() {
        try (MvMetaStore store = MvMetaStore.open(dir)) {
            store.put("credential/users/alice", b("1"));
            store.put("credential/users/bob", b("2"));
        }
        try (MvMetaStore store = MvMetaStore.open(dir)) {
            assertThat(store.scan("credential/users/")).containsOnlyKeys("credential/users/alice",
                    "credential/users/bob");
        }
    }

    @Test
    void conditionalWritesBehaveLikeEtcdTransactions() {
        try (MvMetaStore store = MvMetaStore.inMemory()) {
            assertThat(store.putIfAbsent("k", b("v1"))).isTrue();
            assertThat(store.putIfAbsent("k", b("v2"))).isFalse();
            assertThat(store.replace("k", b("v2"), b("v3"))).isFalse();
            assertThat(store.replace("k", b("v1"), b("v3"))).isTrue();
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v3")));
        }
    }

    @Test
    void scanReturnsOnlyThePrefixInKeyOrder() {
        try (MvMetaStore store = MvMetaStore.inMemory()) {
            store.put("a/2", b("x"));
            store.put("a/1", b("x"));
            store.put("ab", b("x"));
            store.put("b/1", b("x"));
            assertThat(store.scan("a/").keySet()).containsExactly("a/1", "a/2");
        }
    }

    @Test
    void deleteTreeRemovesTheKeyAndItsChildrenOnly() {
        try (MvMetaStore store = MvMetaStore.inMemory()) {
            store.put("u/alice", b("x"));
            store.put("u/alice/role", b("x"));
            store.put("u/alicex", b("x"));
            assertThat(store.deleteTree("u/alice")).isTrue();
            assertThat(store.scan("u/").keySet()).containsExactly("u/alicex");
            assertThat(store.deleteTree("u/alice")).isFalse();
        }
    }

    @Test
    void valuesAreCopiedSoCallersCannotMutateTheStore() {
        try (MvMetaStore store = MvMetaStore.inMemory()) {
            byte[] value = b("abc");
            store.put("k", value);
            value[0] = 'X';
            store.get("k").orElseThrow()[1] = 'Y';
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("abc")));
        }
    }
}
