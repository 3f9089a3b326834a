package dev.vectorvault.storage.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectStore} contract, run against every implementation (the local disk, the fault-injecting disk in
 * its fault-free state, S3 object storage on a real s3proxy). A subclass supplies a fresh, empty store per test.
 */
public abstract class ObjectStoreContract {
    /** An empty store, new for each test. */
    protected abstract ObjectStore store() throws IOException;

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    public void aWrittenObjectReadsBackWholeAndInRanges() throws IOException {
        ObjectStore store = store();
        byte[] bytes = randomBytes(200_000, 1);
        store.write("c/1/7.seg", bytes);
        assertThat(store.exists("c/1/7.seg")).isTrue();
        assertThat(store.size("c/1/7.seg")).isEqualTo(bytes.length);
        assertThat(store.readAll("c/1/7.seg")).isEqualTo(bytes);
        ByteBuffer middle = ByteBuffer.allocate(1000);
        int n = store.read("c/1/7.seg", 150_000, middle);
        assertThat(n).isPositive();
        assertThat(Arrays.copyOf(middle.array(), n)).isEqualTo(Arrays.copyOfRange(bytes, 150_000, 150_000 + n));
        assertThat(middle.position()).isEqualTo(n);
        byte[] viaRanges = new byte[bytes.length];
        ByteBuffer all = ByteBuffer.wrap(viaRanges);
        Frame.readFully(store, "c/1/7.seg", 0, all);
        assertThat(viaRanges).isEqualTo(bytes);
    }

    /** A read handle reads what ranged reads by name do, from several threads; closed, it reads no more. */
    @Test
    public void aReadHandleReadsRangesFromManyThreadsUntilClosed() throws Exception {
        ObjectStore store = store();
        byte[] bytes = randomBytes(100_000, 2);
        store.write("c/1/8.seg", bytes);
        assertThatThrownBy(() -> store.openReader("no/such.seg")).isInstanceOf(NoSuchFileException.class);
        ReadHandle handle = store.openReader("c/1/8.seg");
        java.util.List<java.util.concurrent.CompletableFuture<Void>> readers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            readers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                Random random = new Random(seed);
                for (int i = 0; i < 50; i++) {
                    int at = random.nextInt(bytes.length);
                    ByteBuffer into = ByteBuffer.allocate(Math.min(64, bytes.length - at));
                    try {
                        while (into.hasRemaining()) {
                            assertThat(handle.read(at + into.position(), into)).isPositive();
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    assertThat(into.array()).isEqualTo(Arrays.copyOfRange(bytes, at, at + into.capacity()));
                }
            }));
        }
        for (java.util.concurrent.CompletableFuture<Void> reader : readers) {
            reader.get();
        }
        assertThat(handle.read(bytes.length, ByteBuffer.allocate(4))).isEqualTo(-1);
        handle.close();
        handle.close();
        assertThatThrownBy(() -> handle.read(0, ByteBuffer.allocate(4))).isInstanceOf(IOException.class);
    }

    @Test
    public void aReadAtTheEndGetsTheRestAndPastItGetsMinusOne() throws IOException {
        ObjectStore store = store();
        store.write("o", new byte[] {1, 2, 3, 4, 5});
        ByteBuffer into = ByteBuffer.allocate(10);
        assertThat(store.read("o", 3, into)).isEqualTo(2);
        assertThat(Arrays.copyOf(into.array(), 2)).containsExactly(4, 5);
        assertThat(store.read("o", 5, ByteBuffer.allocate(4))).isEqualTo(-1);
        assertThat(store.read("o", 99, ByteBuffer.allocate(4))).isEqualTo(-1);
    }

    @Test
    public void anEmptyObjectExistsWithNoBytes() throws IOException {
        ObjectStore store = store();
        store.write("empty", new byte[0]);
        assertThat(store.exists("empty")).isTrue();
        assertThat(store.size("empty")).isZero();
        assertThat(store.readAll("empty")).isEmpty();
        assertThat(store.read("empty", 0, ByteBuffer.allocate(4))).isEqualTo(-1);
    }

    @Test
    public void aWriteReplacesTheObjectWhole() throws IOException {
        ObjectStore store = store();
        store.write("a/b", randomBytes(5000, 2));
        store.write("a/b", new byte[] {2, 2});
        assertThat(store.readAll("a/b")).containsExactly(2, 2);
        assertThat(store.size("a/b")).isEqualTo(2);
        assertThat(store.list("a/")).containsExactly("a/b");
    }

    @Test
    public void aFailedWriteLeavesThePreviousObjectAndNoOther() throws IOException {
        ObjectStore store = store();
        store.write("a/b", new byte[] {7});
        assertThatThrownBy(() -> store.write("a/b", out -> {
            out.write(new byte[1000]);
            throw new IOException("body failed");
        })).isInstanceOf(IOException.class).hasMessageContaining("body failed");
        assertThatThrownBy(() -> store.write("a/new", out -> {
            out.write(new byte[10]);
            throw new IOException("body failed");
        })).isInstanceOf(IOException.class);
        assertThat(store.readAll("a/b")).containsExactly(7);
        assertThat(store.exists("a/new")).isFalse();
        assertThat(store.list("")).containsExactly("a/b");
    }

    @Test
    public void aMissingObjectIsNoSuchFile() throws IOException {
        ObjectStore store = store();
        assertThat(store.exists("no/such")).isFalse();
        assertThatThrownBy(() -> store.size("no/such")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.readAll("no/such")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.read("no/such", 0, ByteBuffer.allocate(1)))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public void listingIsSortedAndKeepsToThePrefix() throws IOException {
        ObjectStore store = store();
        for (String name : new String[] {"b", "a/c/d", "ab", "a/b", "segments/10/1.seg", "segments/1/2.seg"}) {
            store.write(name, new byte[] {1});
        }
        assertThat(store.list("a/")).containsExactly("a/b", "a/c/d");
        assertThat(store.list("a")).containsExactly("a/b", "a/c/d", "ab");
        assertThat(store.list("segments/1/")).containsExactly("segments/1/2.seg");
        assertThat(store.list("")).containsExactly("a/b", "a/c/d", "ab", "b", "segments/1/2.seg",
                "segments/10/1.seg");
        assertThat(store.list("zz/")).isEmpty();
    }

    @Test
    public void deleteIsDurableAndIdempotent() throws IOException {
        ObjectStore store = store();
        store.write("x/y", new byte[] {1});
        store.delete("x/y");
        store.delete("x/y");
        store.delete("never/was");
        assertThat(store.exists("x/y")).isFalse();
        assertThat(store.list("x/")).isEmpty();
    }

    @Test
    public void describeNamesTheObject() throws IOException {
        assertThat(store().describe("segments/3/4.seg")).contains("segments/3/4.seg");
    }
}
