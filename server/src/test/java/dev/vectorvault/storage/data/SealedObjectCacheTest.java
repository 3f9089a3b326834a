package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ObjectStoreContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local copy of sealed objects: the ObjectStore contract holds through it, and it writes through, reads through,
 * stays within its bound and keeps across a restart only copies the bucket still matches. A local folder stands in
 * for the bucket here; S3DataStoreTest runs it on a real s3proxy.
 */
@Timeout(60)
class SealedObjectCacheTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    private int stores;

    @Override
    protected ObjectStore store() throws IOException {
        stores++;
        return SealedObjectCache.open(LocalDisk.open(dir.resolve("bucket" + stores)),
                LocalDisk.open(dir.resolve("cache" + stores)), 1 << 20);
    }

    @Test
    void writesGoThroughAndReadsFetchAWholeLocalCopy() throws IOException {
        LocalDisk bucket = LocalDisk.open(dir.resolve("b"));
        LocalDisk local = LocalDisk.open(dir.resolve("c"));
        SealedObjectCache cache = SealedObjectCache.open(bucket, local, 1 << 20);
        cache.write("segments/1/5.seg", new byte[] {1, 2, 3});
        assertThat(bucket.readAll("segments/1/5.seg")).containsExactly(1, 2, 3);
        assertThat(local.readAll("segments/1/5.seg")).containsExactly(1, 2, 3);

        bucket.write("segments/1/6.1.9.hnsw-v2.idx", new byte[] {4, 5});
        assertThat(local.exists("segments/1/6.1.9.hnsw-v2.idx")).isFalse();
        assertThat(cache.readAll("segments/1/6.1.9.hnsw-v2.idx")).containsExactly(4, 5);
        assertThat(local.readAll("segments/1/6.1.9.hnsw-v2.idx")).containsExactly(4, 5);

        cache.write("segments/1/5.del", new byte[] {9});
        assertThat(local.exists("segments/1/5.del")).as("tombstones are rewritten in place: never copied").isFalse();
        assertThat(cache.readAll("segments/1/5.del")).containsExactly(9);

        cache.delete("segments/1/5.seg");
        assertThat(bucket.exists("segments/1/5.seg")).isFalse();
        assertThat(local.exists("segments/1/5.seg")).isFalse();
    }

    @Test
    void theLeastRecentlyUsedCopiesGoPastTheBoundAndStayReadableFromTheBucket() throws IOException {
        LocalDisk bucket = LocalDisk.open(dir.resolve("b"));
        LocalDisk local = LocalDisk.open(dir.resolve("c"));
        SealedObjectCache cache = SealedObjectCache.open(bucket, local, 250);
        cache.write("segments/1/1.seg", new byte[100]);
        cache.write("segments/1/2.seg", new byte[100]);
        cache.readAll("segments/1/1.seg"); // 1 is now used more recently than 2
        cache.write("segments/1/3.seg", new byte[100]);
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(250);
        assertThat(local.exists("segments/1/2.seg")).isFalse();
        assertThat(local.exists("segments/1/1.seg")).isTrue();
        assertThat(local.exists("segments/1/3.seg")).isTrue();
        assertThat(cache.readAll("segments/1/2.seg")).hasSize(100);
    }

    @Test
    void aRestartKeepsOnlyCopiesTheBucketStillHolds() throws IOException {
        LocalDisk bucket = LocalDisk.open(dir.resolve("b"));
        LocalDisk local = LocalDisk.open(dir.resolve("c"));
        SealedObjectCache first = SealedObjectCache.open(bucket, local, 1 << 20);
        first.write("segments/1/1.seg", new byte[] {1});
        first.write("segments/1/2.seg", new byte[] {2});
        bucket.delete("segments/1/2.seg"); // as if the bucket never got it (a crash between the two writes)
        local.write("segments/1/3.seg.tmp", new byte[] {3});

        SealedObjectCache second = SealedObjectCache.open(bucket, local, 1 << 20);
        assertThat(local.list("")).containsExactly("segments/1/1.seg");
        assertThat(second.cachedBytes()).isEqualTo(1);
        assertThat(second.exists("segments/1/2.seg")).isFalse();
    }

    @Test
    void aWholeReadFetchesTheObjectOnceAndKeepsItsCopy() throws IOException {
        LocalDisk bucket = LocalDisk.open(dir.resolve("b"));
        LocalDisk local = LocalDisk.open(dir.resolve("c"));
        java.util.concurrent.atomic.AtomicInteger bucketReads = new java.util.concurrent.atomic.AtomicInteger();
        // The bucket, counting the calls that read object bytes from it.
        ObjectStore counted = (ObjectStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("read") || method.getName().equals("readAll")) {
                        bucketReads.incrementAndGet();
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SealedObjectCache cache = SealedObjectCache.open(counted, local, 1 << 20);
        bucket.write("segments/1/7.seg", new byte[] {7, 8, 9});

        assertThat(cache.readAll("segments/1/7.seg")).containsExactly(7, 8, 9);
        assertThat(bucketReads).as("one read of the bucket, of the whole object").hasValue(1);
        assertThat(local.readAll("segments/1/7.seg")).containsExactly(7, 8, 9);
        assertThat(cache.cachedBytes()).isEqualTo(3);
        assertThat(cache.readAll("segments/1/7.seg")).containsExactly(7, 8, 9);
        assertThat(bucketReads).as("the second read is the local copy's").hasValue(1);
    }

    @Test
    void aWholeReadWhoseCopyCannotBeWrittenStillAnswersFromTheBucket() throws IOException {
        LocalDisk bucket = LocalDisk.open(dir.resolve("b"));
        LocalDisk local = LocalDisk.open(dir.resolve("c"));
        SealedObjectCache cache = SealedObjectCache.open(bucket, local, 1 << 20);
        bucket.write("segments/1/8.seg", new byte[] {1, 2});
        // A folder where the copy would go: the copy's final rename fails, as on a disk that went bad.
        java.nio.file.Files.createDirectories(dir.resolve("c/segments/1/8.seg/in-the-way"));

        assertThat(cache.readAll("segments/1/8.seg")).containsExactly(1, 2);
        assertThat(cache.cachedBytes()).isZero();
        assertThat(cache.readAll("segments/1/8.seg")).as("again from the bucket").containsExactly(1, 2);
    }
}
