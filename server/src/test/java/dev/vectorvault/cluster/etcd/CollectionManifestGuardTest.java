package dev.vectorvault.cluster.etcd;

import static dev.vectorvault.cluster.etcd.EtcdTesting.b;
import static dev.vectorvault.cluster.etcd.EtcdTesting.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.cluster.ClusterNode;
import dev.vectorvault.testkit.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection's data manifest lives in etcd next to its owner record and only the owner writes it: a node that
 * lost the collection cannot overwrite its successor's manifest (real etcd).
 */
@Timeout(120)
class CollectionManifestGuardTest {
    private static EtcdCluster etcd;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void onlyTheCurrentOwnerWritesTheCollectionsManifest() throws Exception {
        try (EtcdCoordination ca = EtcdTesting.connect(etcd.endpointsCsv());
             EtcdCoordination cb = EtcdTesting.connect(etcd.endpointsCsv());
             ClusterNode a = ClusterNode.join(ca, EtcdTesting.settings(etcd.endpointsCsv()),
                     Files.createDirectories(dir.resolve("a")));
             ClusterNode b = ClusterNode.join(cb, EtcdTesting.settings(etcd.endpointsCsv()),
                     Files.createDirectories(dir.resolve("b")))) {
            long collection = 4242;
            assertThat(a.writeCollectionManifest(collection, b("before any owner"))).isFalse();
            a.metadata().put("cluster/collection-owner/" + collection, b(Long.toString(a.nodeId())));

            assertThat(a.writeCollectionManifest(collection, b("by a"))).isTrue();
            assertThat(b.writeCollectionManifest(collection, b("by b, not the owner"))).isFalse();
            assertThat(s(b.collectionManifest(collection).orElseThrow())).isEqualTo("by a");
            assertThat(a.ownedCollections()).contains(collection);
            assertThat(b.ownedCollections()).doesNotContain(collection);

            // The collection passes to b: a, still running, can no longer touch the manifest.
            b.metadata().put("cluster/collection-owner/" + collection, b(Long.toString(b.nodeId())));
            assertThat(b.writeCollectionManifest(collection, b("by b"))).isTrue();
            assertThat(a.writeCollectionManifest(collection, b("stale a"))).isFalse();
            assertThat(s(a.collectionManifest(collection).orElseThrow())).isEqualTo("by b");
            assertThat(etcd.etcdctl("get", "--print-value-only",
                    "by-dev/meta/root-coord/cluster/collection-manifest/" + collection)).contains("by b");
        }
    }
}
