package dev.vectorvault.storage.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A {@link FileStore} in memory that models what a disk keeps across a power loss and injects the faults real disks
 * show, after H2's {@code FilePathUnstable} and {@code FilePathReorderWrites}. Usable by the tests of every package
 * (storage, index, server) and by crash-consistency campaigns.
 *
 * <h2>Model</h2>
 * Every file has the content reads see (the page cache) and a durable image (what survives {@link #crash()}).
 * {@code force} copies the writes made since the last force into the durable image. A failed force loses those
 * writes for good, as Linux does (it marks the pages clean: PostgreSQL's "fsyncgate"): reads still show them, a
 * later successful force does not make them durable, and a crash drops them. Names are durable once the object write
 * or delete that changed them returned (the store forces the folder, as {@link LocalDisk} does); a failed folder force
 * leaves the change visible but not durable.
 *
 * <h2>Faults</h2>
 * <ul>
 * <li>{@link #failForce(int)}: the n-th force from now (file or folder) throws an {@link IOException}.</li>
 * <li>{@link #diskFullAfter(long)}: once that many more bytes were written, writes throw "No space left on device";
 * an append writes the prefix that still fits first (a short write).</li>
 * <li>{@link #tearAppend(int, int)}: the n-th append from now writes only a prefix of its bytes, then throws.</li>
 * <li>{@link #failReads(int)}: the n-th ranged read from now, by name or through a {@link ReadHandle}, throws an
 * {@link IOException}.</li>
 * <li>{@link #crash()} drops every unforced byte and unforced name change; {@link #crash(Random)} instead keeps a
 * random subset of the unforced writes, each possibly torn (writes reach the platter out of order).</li>
 * </ul>
 * A {@link ReadHandle} reads the file it opened even once the name is deleted or replaced (as an open POSIX file
 * does) until it is closed; {@link #openReaders()} counts those not closed. After a crash, handles opened before it fail; open the store's users again on the same instance. Thread-safe.
 */
public final class FaultyDisk implements FileStore {
    private static final String DISK_FULL = "No space left on device";

    /** One file: what reads see, what survives a crash, and the writes in between. */
    private static final class Node {
        byte[] current;
        int length;
        byte[] durable;
        final List<Write> pending = new ArrayList<>();

        Node(byte[] bytes) {
            current = bytes.clone();
            length = bytes.length;
            durable = bytes.clone();
        }

        void writeAt(long position, byte[] bytes, int from, int count) {
            int end = Math.toIntExact(position + count);
            if (end > current.length) {
                current = Arrays.copyOf(current, Math.max(end, current.length * 2));
            }
            System.arraycopy(bytes, from, current, (int) position, count);
            length = Math.max(length, end);
            pending.add(new Write(position, Arrays.copyOfRange(bytes, from, from + count), -1));
        }

        void truncate(long size) {
            if (size < length) {
                Arrays.fill(current, (int) size, length, (byte) 0);
                length = (int) size;
            }
            pending.add(new Write(size, null, size));
        }

        byte[] content() {
            return Arrays.copyOf(current, length);
        }
    }

    /** An unforced change: bytes at a position, or (bytes null) a truncation to {@code truncateTo}. */
    private record Write(long position, byte[] bytes, long truncateTo) {
        byte[] applyTo(byte[] image, int keep) {
            if (bytes == null) {
                return truncateTo < image.length ? Arrays.copyOf(image, (int) truncateTo) : image;
            }
            int end = (int) position + keep;
            byte[] out = end > image.length ? Arrays.copyOf(image, end) : image;
            System.arraycopy(bytes, 0, out, (int) position, keep);
            return out;
        }
    }

    private final Map<String, Node> visible = new TreeMap<>();
    private final Map<String, Node> durableNames = new TreeMap<>();
    private long generation;
    private int forcesUntilFailure = -1;
    private long bytesUntilFull = -1;
    private int appendsUntilTear = -1;
    private int tearKeep;
    private int readsUntilFailure = -1;
    private int openReaders;
    private long forces;
    private long bytesWritten;

    // ------------------------------------------------------------------ faults

    /** The {@code n}-th force from now (1 = the next) fails. */
    public synchronized FaultyDisk failForce(int n) {
        forcesUntilFailure = n;
        return this;
    }

    /** After {@code bytes} more bytes, every write reports a full disk until {@link #clearFaults}. */
    public synchronized FaultyDisk diskFullAfter(long bytes) {
        bytesUntilFull = bytes;
        return this;
    }

    /** The {@code n}-th append from now writes only its first {@code keep} bytes, then throws. */
    public synchronized FaultyDisk tearAppend(int n, int keep) {
        appendsUntilTear = n;
        tearKeep = keep;
        return this;
    }

    /** The {@code n}-th ranged read from now (1 = the next) fails. */
    public synchronized FaultyDisk failReads(int n) {
        readsUntilFailure = n;
        return this;
    }

    /** Read handles opened and not closed yet. */
    public synchronized int openReaders() {
        return openReaders;
    }

    /** The bytes left before {@link #diskFullAfter} reports a full disk; unbounded without that fault. */
    @Override
    public synchronized long usableSpace() {
        return bytesUntilFull >= 0 ? bytesUntilFull : Long.MAX_VALUE;
    }

    public synchronized FaultyDisk clearFaults() {
        readsUntilFailure = -1;
        forcesUntilFailure = -1;
        bytesUntilFull = -1;
        appendsUntilTear = -1;
        return this;
    }

    /** Forces done so far (file and folder), for tests that inject a fault at every one in turn. */
    public synchronized long forces() {
        return forces;
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** A power loss: only what was forced survives; faults are cleared and open handles die. */
    public synchronized void crash() {
        crash(null);
    }

    /**
     * A power loss in which the disk had written back some unforced writes, in any order and possibly torn: each
     * pending write survives with probability 1/2, a surviving one keeps a random prefix. A null {@code random}
     * keeps none.
     */
    public synchronized void crash(Random random) {
        generation++;
        clearFaults();
        visible.clear();
        for (Map.Entry<String, Node> entry : durableNames.entrySet()) {
            Node node = entry.getValue();
            byte[] image = node.durable;
            if (random != null) {
                for (Write write : node.pending) {
                    if (random.nextBoolean()) {
                        int keep = write.bytes == null ? 0 : random.nextInt(write.bytes.length + 1);
                        image = write.applyTo(image, keep);
                    }
                }
            }
            Node survivor = new Node(image);
            entry.setValue(survivor);
            visible.put(entry.getKey(), survivor);
        }
    }

    // ------------------------------------------------------------------ ObjectStore

    @Override
    public void write(String name, Contents contents) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        contents.writeTo(buffer); // outside the lock: bodies can be large and slow to produce
        byte[] bytes = buffer.toByteArray();
        synchronized (this) {
            spend(bytes.length, null); // a full disk fails the temp file; the name is untouched
            force(); // the temp file's force
            Node node = new Node(bytes);
            visible.put(name, node);
            forceFolder(folderOf(name)); // makes the rename durable
        }
    }

    @Override
    public synchronized long size(String name) throws IOException {
        return node(name).length;
    }

    @Override
    public synchronized int read(String name, long position, ByteBuffer into) throws IOException {
        return readFrom(node(name), name, position, into);
    }

    private int readFrom(Node node, String name, long position, ByteBuffer into) throws IOException {
        if (readsUntilFailure > 0 && --readsUntilFailure == 0) {
            throw new IOException("injected read failure: " + name);
        }
        if (position >= node.length) {
            return -1;
        }
        int n = (int) Math.min(into.remaining(), node.length - position);
        into.put(node.current, (int) position, n);
        return n;
    }

    @Override
    public synchronized ReadHandle openReader(String name) throws IOException {
        Node node = node(name);
        long opened = generation;
        openReaders++;
        return new ReadHandle() {
            private boolean closed;

            @Override
            public int read(long position, ByteBuffer into) throws IOException {
                synchronized (FaultyDisk.this) {
                    if (closed) {
                        throw new IOException("closed: " + name);
                    }
                    if (generation != opened) {
                        throw new IOException("the machine crashed; " + name + " must be opened again");
                    }
                    return readFrom(node, name, position, into);
                }
            }

            @Override
            public void close() {
                synchronized (FaultyDisk.this) {
                    if (!closed) {
                        closed = true;
                        openReaders--;
                    }
                }
            }
        };
    }

    @Override
    public synchronized boolean exists(String name) {
        return visible.containsKey(name);
    }

    @Override
    public synchronized List<String> list(String prefix) {
        return visible.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    @Override
    public synchronized void delete(String name) throws IOException {
        if (visible.remove(name) != null) {
            forceFolder(folderOf(name));
        }
    }

    @Override
    public synchronized void syncFolder(String prefix) throws IOException {
        forceFolder(prefix);
    }

    /** A successful folder force makes every name change in that folder durable, earlier ones included. */
    private void forceFolder(String folder) throws IOException {
        force();
        durableNames.keySet().removeIf(n -> folderOf(n).equals(folder) && !visible.containsKey(n));
        visible.forEach((n, node) -> {
            if (folderOf(n).equals(folder)) {
                durableNames.put(n, node);
            }
        });
    }

    private static String folderOf(String name) {
        return name.substring(0, name.lastIndexOf('/') + 1);
    }

    @Override
    public String describe(String name) {
        return "faulty:" + name;
    }

    /** The visible content of a file (tests compare it, or damage it with {@link #overwrite}). */
    public synchronized byte[] content(String name) throws IOException {
        return node(name).content();
    }

    /** Replaces a file's bytes durably, bypassing faults: bit flips and truncations made by a test. */
    public synchronized void overwrite(String name, byte[] bytes) {
        Node node = new Node(bytes);
        visible.put(name, node);
        durableNames.put(name, node);
    }

    // ------------------------------------------------------------------ FileStore

    @Override
    public synchronized AppendableFile openAppendable(String name) throws IOException {
        node(name);
        long opened = generation;
        return new AppendableFile() {
            private boolean closed;

            private Node live() throws IOException {
                if (closed) {
                    throw new IOException("closed: " + name);
                }
                if (generation != opened) {
                    throw new IOException("the machine crashed; " + name + " must be opened again");
                }
                return node(name);
            }

            @Override
            public long size() throws IOException {
                synchronized (FaultyDisk.this) {
                    return live().length;
                }
            }

            @Override
            public void append(ByteBuffer bytes) throws IOException {
                synchronized (FaultyDisk.this) {
                    Node node = live();
                    byte[] data = new byte[bytes.remaining()];
                    bytes.get(data);
                    int keep = data.length;
                    String tear = null;
                    if (appendsUntilTear > 0 && --appendsUntilTear == 0) {
                        keep = Math.min(keep, tearKeep);
                        tear = "torn write: only " + keep + " of " + data.length + " bytes reached " + name;
                    }
                    int allowed = spend(keep, data.length);
                    node.writeAt(node.length, data, 0, allowed);
                    if (allowed < keep) {
                        throw new IOException(DISK_FULL);
                    }
                    if (tear != null) {
                        throw new IOException(tear);
                    }
                }
            }

            @Override
            public void force() throws IOException {
                synchronized (FaultyDisk.this) {
                    Node node = live();
                    try {
                        FaultyDisk.this.force();
                    } catch (IOException e) {
                        node.pending.clear(); // lost for good, though reads still show them (fsyncgate)
                        throw e;
                    }
                    byte[] image = node.durable;
                    for (Write write : node.pending) {
                        image = write.applyTo(image, write.bytes == null ? 0 : write.bytes.length);
                    }
                    node.durable = image;
                    node.pending.clear();
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                synchronized (FaultyDisk.this) {
                    live().truncate(size);
                }
            }

            @Override
            public int read(long position, ByteBuffer into) throws IOException {
                synchronized (FaultyDisk.this) {
                    live();
                    return FaultyDisk.this.read(name, position, into);
                }
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    // ------------------------------------------------------------------ internals

    private Node node(String name) throws NoSuchFileException {
        Node node = visible.get(name);
        if (node == null) {
            throw new NoSuchFileException(describe(name));
        }
        return node;
    }

    private void force() throws IOException {
        forces++;
        if (forcesUntilFailure > 0 && --forcesUntilFailure == 0) {
            throw new IOException("Input/output error (injected: force failed)");
        }
    }

    /**
     * Takes {@code wanted} bytes from the free space; returns how many fit. With {@code whole} null, nothing is
     * written unless all fit (an object write fails as a whole).
     */
    private int spend(int wanted, Integer whole) throws IOException {
        int allowed = wanted;
        if (bytesUntilFull >= 0) {
            allowed = (int) Math.min(wanted, bytesUntilFull);
            if (whole == null && allowed < wanted) {
                throw new IOException(DISK_FULL);
            }
            bytesUntilFull -= allowed;
        }
        bytesWritten += allowed;
        return allowed;
    }
}
