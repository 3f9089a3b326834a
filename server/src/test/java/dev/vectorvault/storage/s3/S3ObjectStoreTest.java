package dev.vectorvault.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.config.ServerConfig.ObjectStorageSettings;
import dev.vectorvault.testkit.S3Server;
import dev.vectorvault.testkit.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the S3 store adds to the contract: its bucket, its failures, its secrets, a restarted server. */
@Timeout(120)
class S3ObjectStoreTest {
    private static S3Server s3;

    @BeforeAll
    static void startS3() {
        s3 = S3Server.start();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theBucketIsCreatedWhenAbsentAndObjectsLiveUnderTheRootPath() throws IOException {
        String root = S3TestStores.freshRoot();
        try (S3ObjectStore store = S3TestStores.open(s3.port(), root, 10_000);
             S3ObjectStore again = S3TestStores.open(s3.port(), root, 10_000)) {
            store.write("insert_log/1/2/2.seg", new byte[] {1, 2});
            assertThat(again.readAll("insert_log/1/2/2.seg")).containsExactly(1, 2);
            assertThat(store.describe("insert_log/1/2/2.seg"))
                    .isEqualTo("s3://" + S3TestStores.BUCKET + "/" + root + "/insert_log/1/2/2.seg");
        }
        // s3proxy's filesystem backend: a bucket is a folder, an object a file under it.
        Path object = s3.blobs().resolve(S3TestStores.BUCKET).resolve(root).resolve("insert_log/1/2/2.seg");
        assertThat(Files.readAllBytes(object)).containsExactly(1, 2);
    }

    @Test
    void anUnreachableStoreFailsEachCallWithinTheTimeoutNamingTheObjectAndNoSecret() throws IOException {
        try (TcpRelay link = s3.relay();
             S3ObjectStore store = S3TestStores.open(link.port(), S3TestStores.freshRoot(), 1_500)) {
            store.write("delta_log/1/1/1.del", new byte[] {1});
            link.cut();
            assertThatThrownBy(() -> store.write("insert_log/1/1/1.seg", new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("unreachable")
                    .hasMessageContaining("s3://" + S3TestStores.BUCKET + "/")
                    .hasMessageContaining("insert_log/1/1/1.seg")
                    .hasMessageNotContaining(S3Server.SECRET_KEY);
            assertThatThrownBy(() -> store.readAll("delta_log/1/1/1.del")).isInstanceOf(IOException.class)
                    .hasMessageContaining("delta_log/1/1/1.del");
            assertThatThrownBy(() -> store.list("")).isInstanceOf(IOException.class);
            link.restore();
            // Back: the same client works again, and the failed write left nothing.
            assertThat(store.readAll("delta_log/1/1/1.del")).containsExactly(1);
            assertThat(store.exists("insert_log/1/1/1.seg")).isFalse();
            store.write("insert_log/1/1/1.seg", new byte[] {3});
            assertThat(store.readAll("insert_log/1/1/1.seg")).containsExactly(3);
        }
    }

    @Test
    void aKilledServerFailsCallsAndARestartedOneServesTheSameObjects() throws IOException {
        try (S3Server own = S3Server.start();
             S3ObjectStore store = S3TestStores.open(own.port(), "r", 2_000)) {
            store.write("a/b", new byte[] {4, 5});
            own.kill();
            assertThatThrownBy(() -> store.readAll("a/b")).isInstanceOf(IOException.class)
                    .hasMessageContaining("a/b");
            own.restart();
            assertThat(store.readAll("a/b")).containsExactly(4, 5);
        }
    }

    @Test
    void wrongCredentialsAreRefusedClearlyWithoutShowingTheSecret() {
        ObjectStorageSettings good = S3TestStores.settings(s3.port(), S3TestStores.freshRoot(), 5_000);
        ObjectStorageSettings wrong = new ObjectStorageSettings(good.storageType(), good.address(), good.port(),
                good.accessKeyId(), new dev.vectorvault.config.Secret("not-the-secret-42"), good.useSsl(),
                good.bucketName(), good.rootPath(), good.region(), good.useVirtualHost(), good.cloudProvider(),
                good.requestTimeoutMs(), good.objectCacheMB());
        assertThatThrownBy(() -> S3ObjectStore.open(wrong).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining(S3TestStores.BUCKET)
                .hasMessageNotContaining("not-the-secret-42");
    }

    @Test
    void neitherTheSettingsNorTheStoreShowTheSecret() throws IOException {
        ObjectStorageSettings settings = S3TestStores.settings(s3.port(), S3TestStores.freshRoot(), 5_000);
        assertThat(settings.toString()).doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY)
                .contains(S3TestStores.BUCKET);
        try (S3ObjectStore store = S3ObjectStore.open(settings)) {
            assertThat(store.toString()).doesNotContain(S3Server.SECRET_KEY).contains(S3TestStores.BUCKET);
        }
    }
}
