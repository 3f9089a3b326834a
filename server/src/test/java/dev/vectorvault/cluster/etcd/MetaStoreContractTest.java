package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdTesting.b;
import static dev.vectorvault.cluster.etcd.EtcdTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.testkit.EtcdCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link MetaStore} contract, run over the embedded store and over etcd, so that every MetaStore user behaves the
 * same in both modes.
 */
@Timeout(60)
class MetaStoreContractTest {
    private static EtcdCluster etcd;
    private static EtcdCoordination coordination;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        coordination = EtcdTesting.connect(etcd.endpointsCsv());
        // Small pages, so that the scans below cross page boundaries.
        coordination.scanPage(7);
    }

    @AfterAll
    static void stopEtcd() {
        EtcdTesting.closeBoth(coordination, etcd);
    }

    static Stream<Arguments> stores() {
        Supplier<MetaStore> embedded = MvMetaStore::inMemory;
        Supplier<MetaStore> onEtcd = () -> coordination.keys(EtcdTesting.uniquePrefix());
        return Stream.of(Arguments.of("MvMetaStore", embedded), Arguments.of("etcd", onEtcd));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void getOfAMissingKeyIsEmpty(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            assertThat(store.get("nothing/here")).isEmpty();
            store.put("k", b("v"));
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
            store.put("k", b("w"));
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("w")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void putAllWhileWritesEveryEntryOnlyWhileTheGuardIsUnchanged(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            TreeMap<String, byte[]> first = new TreeMap<>(Map.of("n", b("1"), "job/1", b("a")));
            assertThat(store.putAllWhile("n", b("0"), first)).as("guard expected but absent").isFalse();
            assertThat(store.putAllWhile("n", null, first)).as("guard absent as expected").isTrue();
            TreeMap<String, byte[]> second = new TreeMap<>(Map.of("n", b("2"), "job/2", b("b")));
            assertThat(store.putAllWhile("n", null, second)).as("guard no longer absent").isFalse();
            assertThat(store.putAllWhile("n", b("0"), second)).as("guard changed").isFalse();
            assertThat(store.get("job/2")).isEmpty();
            assertThat(store.putAllWhile("n", b("1"), second)).isTrue();
            assertThat(store.scan("job/")).containsOnlyKeys("job/1", "job/2");
            assertThat(s(store.get("n").orElseThrow())).isEqualTo("2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void conditionalWritesBehaveLikeEtcdTransactions(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            assertThat(store.replace("k", b(""), b("v0"))).as("replace of a missing key").isFalse();
            assertThat(store.get("k")).isEmpty();
            assertThat(store.putIfAbsent("k", b("v1"))).isTrue();
            assertThat(store.putIfAbsent("k", b("v2"))).isFalse();
            assertThat(store.replace("k", b("v2"), b("v3"))).isFalse();
            assertThat(store.replace("k", b("v1"), b("v3"))).isTrue();
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v3")));
            assertThat(store.deleteTree("k")).isTrue();
            assertThat(store.putIfAbsent("k", b("v4"))).as("absent again after delete").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void scanReturnsOnlyThePrefixInKeyOrder(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            store.put("a/2", b("x"));
            store.put("a/1", b("x"));
            store.put("ab", b("x"));
            store.put("b/1", b("x"));
            store.put("a/é", b("x"));
            store.put("a/z", b("x"));
            assertThat(store.scan("a/").keySet()).containsExactly("a/1", "a/2", "a/z", "a/é");
            assertThat(store.scan("c/")).isEmpty();
            assertThat(store.scan("").keySet()).containsExactly("a/1", "a/2", "a/z", "a/é", "ab", "b/1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void scanOfManyKeysReturnsEveryKeyOnce(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = String.format("many/%03d", i);
                store.put(key, b("value-" + i));
                expected.add(key);
            }
            store.put("many", b("not under the prefix"));
            store.put("manyx/1", b("not under the prefix"));
            var scanned = store.scan("many/");
            assertThat(scanned.keySet()).containsExactlyElementsOf(expected);
            assertThat(scanned.get("many/039")).isEqualTo(b("value-39"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void putAllWritesEveryEntry(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            store.put("rg/b", b("old"));
            store.putAll(new java.util.TreeMap<>(java.util.Map.of("rg/a", b("1"), "rg/b", b("2"), "rg/c", b("3"))));
            var scanned = store.scan("rg/");
            assertThat(scanned.keySet()).containsExactly("rg/a", "rg/b", "rg/c");
            assertThat(scanned.get("rg/b")).isEqualTo(b("2"));
            store.putAll(new java.util.TreeMap<>());
            assertThat(store.scan("rg/")).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void deleteAllRemovesTheNamedKeysOnly(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            store.put("p/1", b("x"));
            store.put("p/1/child", b("x"));
            store.put("q/1", b("x"));
            store.put("q/2", b("x"));
            store.deleteAll(new java.util.TreeSet<>(List.of("p/1", "q/1", "q/missing")));
            assertThat(store.scan("").keySet()).containsExactly("p/1/child", "q/2");
            store.deleteAll(new java.util.TreeSet<>());
            assertThat(store.scan("").keySet()).containsExactly("p/1/child", "q/2");
        }
    }

    /** etcd refuses a transaction of more than 128 operations (its default --max-txn-ops): none of its keys is written. */
    @org.junit.jupiter.api.Test
    void aPutAllEtcdRefusesWritesNoneOfItsKeys() {
        try (MetaStore store = coordination.keys(EtcdTesting.uniquePrefix())) {
            store.put("rg/000", b("before"));
            java.util.SortedMap<String, byte[]> entries = new java.util.TreeMap<>();
            for (int i = 0; i < 129; i++) {
                entries.put(String.format("rg/%03d", i), b("after"));
            }
            assertThatThrownBy(() -> store.putAll(entries)).isInstanceOf(RuntimeException.class);
            assertThat(store.scan("rg/").keySet()).containsExactly("rg/000");
            assertThat(store.get("rg/000")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("before")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void deleteTreeRemovesTheKeyAndItsChildrenOnly(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            store.put("u/alice", b("x"));
            store.put("u/alice/role", b("x"));
            store.put("u/alice/role/deep", b("x"));
            store.put("u/alicex", b("x"));
            assertThat(store.deleteTree("u/alice")).isTrue();
            assertThat(store.scan("u/").keySet()).containsExactly("u/alicex");
            assertThat(store.deleteTree("u/alice")).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void deleteTreeOfAMissingKeyStillRemovesItsChildren(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            store.put("g/r1/p", b("x"));
            store.put("g/r1/q", b("x"));
            assertThat(store.deleteTree("g/r1")).isFalse();
            assertThat(store.scan("g/")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void valuesAreCopiedSoCallersCannotMutateTheStore(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            byte[] value = b("abc");
            store.put("k", value);
            value[0] = 'X';
            store.get("k").orElseThrow()[1] = 'Y';
            store.scan("").get("k")[2] = 'Z';
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("abc")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void binaryValuesRoundTrip(String kind, Supplier<MetaStore> stores) {
        try (MetaStore store = stores.get()) {
            byte[] value = new byte[256];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) i;
            }
            store.put("bin", value);
            assertThat(store.get("bin")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
            assertThat(store.replace("bin", value, new byte[0])).isTrue();
            assertThat(store.get("bin")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        }
    }
}
