package dev.vectorvault.cluster.etcd;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.ClusterSettings;
import dev.vectorvault.testkit.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Small helpers shared by the etcd tests. */
final class EtcdTesting {
    private EtcdTesting() {}

    static ClusterSettings settings(String endpoints, String... keyValues) {
        Map<String, String> keys = new HashMap<>();
        keys.put("etcd.endpoints", endpoints);
        keys.put("etcd.requestTimeout", "5000");
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromFlatKeys(keys).cluster();
    }

    static EtcdCoordination connect(String endpoints, String... keyValues) {
        return EtcdCoordination.connect(settings(endpoints, keyValues));
    }

    /** Closes what a test class's {@code @BeforeAll} started, either of which may be missing if it failed. */
    static void closeBoth(EtcdCoordination coordination, EtcdCluster etcd) {
        if (coordination != null) {
            coordination.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** A prefix no other test uses, so tests can share one etcd. */
    static String uniquePrefix() {
        return "test-" + UUID.randomUUID() + "/";
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
