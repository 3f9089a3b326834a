package dev.vectorvault.storage.s3;

import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.config.ServerConfig.ObjectStorageSettings;
import dev.vectorvault.testkit.S3Server;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Object storage settings and stores for tests on a real {@link S3Server}, each under its own root path. */
public final class S3TestStores {
    public static final String BUCKET = "vv-test-bucket";
    private static final AtomicInteger ROOTS = new AtomicInteger();

    private S3TestStores() {
    }

    /** A root path no other store of this JVM uses, so tests sharing one server see only their own objects. */
    public static String freshRoot() {
        return "run-" + ProcessHandle.current().pid() + "-" + ROOTS.incrementAndGet();
    }

    /** Settings as the server would read them from {@code minio.*} keys, for a server (or relay) on this port. */
    public static ObjectStorageSettings settings(int port, String rootPath, long requestTimeoutMs) {
        Map<String, String> keys = new HashMap<>();
        keys.put("common.storageType", "remote");
        keys.put("minio.address", "127.0.0.1");
        keys.put("minio.port", Integer.toString(port));
        keys.put("minio.accessKeyID", S3Server.ACCESS_KEY);
        keys.put("minio.secretAccessKey", S3Server.SECRET_KEY);
        keys.put("minio.bucketName", BUCKET);
        keys.put("minio.rootPath", rootPath);
        keys.put("minio.requestTimeoutMs", Long.toString(requestTimeoutMs));
        return ServerConfig.fromFlatKeys(keys).objectStorage();
    }

    public static S3ObjectStore open(int port, String rootPath, long requestTimeoutMs) throws IOException {
        return S3ObjectStore.open(settings(port, rootPath, requestTimeoutMs));
    }
}
