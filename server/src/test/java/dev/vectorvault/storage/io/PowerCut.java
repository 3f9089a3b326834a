package dev.vectorvault.storage.io;

import dev.vectorvault.storage.MetaStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;

/**
 * A power loss at a chosen point inside an operation: the {@code n}-th disk call from now crashes the
 * {@link FaultyDisk} underneath (keeping a random part of the unforced writes, as {@link FaultyDisk#crash(Random)}),
 * and from then on every call of the store that was running, disk and metadata alike, fails as a dead machine's
 * would. Nothing the old store does after the cut reaches what survives; the test reopens on the same
 * {@link FaultyDisk} and metadata store, which model the machine's disk after the power came back.
 *
 * <p>The metadata store (H2) commits with its own fsync before {@code put} returns, so a put that returned before the
 * cut is durable and one attempted after it never happened: that is the model this wrapper enforces.
 */
public final class PowerCut {
    private final FaultyDisk disk;
    private final Random random;
    private long callsUntilCut = -1;
    private boolean cut;

    public PowerCut(FaultyDisk disk, Random random) {
        this.disk = disk;
        this.random = random;
    }

    /** The {@code n}-th disk call from now (1 = the next) cuts the power before it does anything. */
    public synchronized void cutAtCall(long n) {
        callsUntilCut = n;
    }

    /** Cuts the power now (between operations). */
    public synchronized void cutNow() {
        if (!cut) {
            cut = true;
            disk.crash(random);
        }
    }

    public synchronized boolean isCut() {
        return cut;
    }

    private synchronized void tick() throws IOException {
        if (!cut && callsUntilCut > 0 && --callsUntilCut == 0) {
            cutNow();
        }
        if (cut) {
            throw new IOException("power lost (injected)");
        }
    }

    private synchronized void checkMeta() {
        if (cut) {
            throw new IllegalStateException("power lost (injected): the metadata store is gone");
        }
    }

    /** The disk as the running store sees it. */
    public FileStore disk() {
        return new FileStore() {
            @Override
            public AppendableFile openAppendable(String name) throws IOException {
                tick();
                AppendableFile file = disk.openAppendable(name);
                return new AppendableFile() {
                    @Override
                    public long size() throws IOException {
                        tick();
                        return file.size();
                    }

                    @Override
                    public void append(ByteBuffer bytes) throws IOException {
                        tick();
                        file.append(bytes);
                    }

                    @Override
                    public void force() throws IOException {
                        tick();
                        file.force();
                    }

                    @Override
                    public void truncate(long size) throws IOException {
                        tick();
                        file.truncate(size);
                    }

                    @Override
                    public int read(long position, ByteBuffer into) throws IOException {
                        tick();
                        return file.read(position, into);
                    }

                    @Override
                    public void close() throws IOException {
                        file.close();
                    }
                };
            }

            @Override
            public void syncFolder(String prefix) throws IOException {
                tick();
                disk.syncFolder(prefix);
            }

            @Override
            public long usableSpace() throws IOException {
                tick();
                return disk.usableSpace();
            }

            @Override
            public void write(String name, Contents contents) throws IOException {
                tick();
                disk.write(name, contents);
            }

            @Override
            public long size(String name) throws IOException {
                tick();
                return disk.size(name);
            }

            @Override
            public int read(String name, long position, ByteBuffer into) throws IOException {
                tick();
                return disk.read(name, position, into);
            }

            @Override
            public boolean exists(String name) throws IOException {
                tick();
                return disk.exists(name);
            }

            @Override
            public List<String> list(String prefix) throws IOException {
                tick();
                return disk.list(prefix);
            }

            @Override
            public void delete(String name) throws IOException {
                tick();
                disk.delete(name);
            }

            @Override
            public String describe(String name) {
                return disk.describe(name);
            }
        };
    }

    /** The metadata store as the running store sees it: gone after the cut, its earlier commits kept. */
    public MetaStore meta(MetaStore meta) {
        return new MetaStore() {
            @Override
            public Optional<byte[]> get(String key) {
                checkMeta();
                return meta.get(key);
            }

            @Override
            public SortedMap<String, byte[]> scan(String prefix) {
                checkMeta();
                return meta.scan(prefix);
            }

            @Override
            public void put(String key, byte[] value) {
                checkMeta();
                meta.put(key, value);
            }

            @Override
            public void putAll(SortedMap<String, byte[]> entries) {
                checkMeta();
                meta.putAll(entries);
            }

            @Override
            public boolean putIfAbsent(String key, byte[] value) {
                checkMeta();
                return meta.putIfAbsent(key, value);
            }

            @Override
            public boolean replace(String key, byte[] expected, byte[] value) {
                checkMeta();
                return meta.replace(key, expected, value);
            }

            @Override
            public void deleteAll(java.util.SortedSet<String> keys) {
                checkMeta();
                meta.deleteAll(keys);
            }

            @Override
            public boolean putAllWhile(String guardKey, byte[] guardValue, SortedMap<String, byte[]> entries) {
                checkMeta();
                return meta.putAllWhile(guardKey, guardValue, entries);
            }

            @Override
            public boolean deleteTree(String key) {
                checkMeta();
                return meta.deleteTree(key);
            }

            @Override
            public void close() {
                // the underlying store outlives the power cut
            }
        };
    }
}
