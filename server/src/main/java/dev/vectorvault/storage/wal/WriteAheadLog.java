package dev.vectorvault.storage.wal;

import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log: an operation is appended here, durably, before it is acknowledged, and is handed back by
 * {@link #recovered()} after a restart until the caller has made it durable elsewhere and
 * {@linkplain #truncateBefore truncated} it.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>LSNs start at 1, grow by one per record and continue across restarts and truncation: the newest file is never
 * deleted, and its header carries the next LSN even when it holds no record.</li>
 * <li>Thread-safe. Appends are serialized into one file. With {@link Durability#FSYNC}, appenders that arrive while a
 * force is running are all covered by the next single force (group commit).</li>
 * <li>Fail-stop: after a failed write, force or file creation, every later {@code append} and {@code truncateBefore}
 * throws {@link StorageException}. Nothing is retried, because a retried fsync can report success after the kernel
 * dropped the dirty pages (PostgreSQL "fsyncgate", checklist A7). Restarting recovers what reached the disk.</li>
 * <li>{@link #open} recovers. A torn tail, meaning invalid bytes after the last valid record of the newest file with
 * no valid record after them, is what a crash mid-write leaves; it is truncated with a WARN line naming the file,
 * offset and reason. Any other damage (a bad record followed by valid ones, a bad record in an older file, a bad
 * header, a missing file) throws {@link CorruptLogException} naming the file and byte offset; nothing is skipped.</li>
 * <li>One instance per directory at a time; there is no lock file, the caller must ensure it.</li>
 * </ul>
 *
 * <h2>On-disk format, version 1</h2>
 * All integers are little-endian.
 *
 * <pre>
 * &lt;dir&gt;/wal-&lt;first lsn, 20 digits&gt;.log          for example wal-00000000000000000001.log
 *   header, 37 bytes
 *     i32  magic 0x4C415756 (the bytes "VWAL")
 *     u16  format name length (15), then "vectorvault-wal" in US-ASCII
 *     i32  format version (1)
 *     i64  first lsn, equal to the number in the file name
 *     u32  CRC32C of the header bytes before it
 *   records, back to back up to the end of the file
 *     i32  payload length n, 0 &lt;= n &lt;= 128 MiB
 *     u32  CRC32C of the lsn and payload bytes
 *     i64  lsn, one more than the previous record's (across files too)
 *     n bytes of payload
 * </pre>
 *
 * A new file is written as {@code wal-...log.tmp}, its header forced, then renamed into place and the directory
 * forced, so a file under its final name always has a complete header and survives power loss (etcd #6368). The log
 * rolls to a new file when the next record would push the current one past the roll size (64 MiB by default; a
 * record larger than that gets a file of its own). The old file is forced before the new one is created, so only the
 * newest file can ever end in a torn write.
 *
 * <h2>Known limits</h2>
 * With {@link Durability#OS_BUFFERED}, records lost in a power failure had LSNs that are handed out again after the
 * restart. A power failure that writes back unforced pages out of order can leave a valid record after a damaged one
 * in the never-acknowledged tail; {@code open} then reports corruption instead of truncating. Recovery holds every
 * record still in the log in memory, so the caller must keep the log short with {@link #truncateBefore}. A directory
 * whose log files were all removed by hand starts again at LSN 1.
 */
public final class WriteAheadLog implements AutoCloseable {
    /** Roll size used by {@link #open(Path, Durability)}. */
    public static final long DEFAULT_ROLL_SIZE_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

    private final Path dir;
    private final Durability durability;
    private final long rollSizeBytes;
    private final List<WalRecord> recovered;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stateChanged = lock.newCondition();

    // Everything below is guarded by lock.
    private final TreeMap<Long, Path> files;
    // RandomAccessFile, not FileChannel: its write and FileDescriptor.sync are not interruptible, so one interrupted
    // caller cannot close the file under every other appender (a FileChannel closes itself on interrupt).
    private RandomAccessFile active;
    private long activeFirstLsn;
    private long activeBytes;
    private long nextLsn;
    private long durableLsn;
    private boolean forceInProgress;
    private IOException failure;
    private boolean closed;

    private WriteAheadLog(Path dir, Durability durability, long rollSizeBytes, List<WalRecord> recovered,
            TreeMap<Long, Path> files, RandomAccessFile active, long nextLsn) throws IOException {
        this.dir = dir;
        this.durability = durability;
        this.rollSizeBytes = rollSizeBytes;
        this.recovered = recovered;
        this.files = files;
        this.active = active;
        this.activeFirstLsn = files.lastKey();
        this.activeBytes = active.length();
        this.nextLsn = nextLsn;
        this.durableLsn = nextLsn - 1;
    }

    /** Opens or creates the log with the default roll size; see {@link #open(Path, Durability, long)}. */
    public static WriteAheadLog open(Path dir, Durability durability) {
        return open(dir, durability, DEFAULT_ROLL_SIZE_BYTES);
    }

    /**
     * Opens or creates the log in {@code dir}, recovering it as described in the class comment. When this returns,
     * every recovered record is forced to disk.
     *
     * @param rollSizeBytes size past which appends move to a new file, at most 1 GiB
     * @throws CorruptLogException if the log holds damage other than a torn tail
     * @throws StorageException    if the directory cannot be read or written
     */
    public static WriteAheadLog open(Path dir, Durability durability, long rollSizeBytes) {
        Objects.requireNonNull(durability, "durability");
        long smallest = LogFormat.HEADER_BYTES + LogFormat.RECORD_HEADER_BYTES;
        if (rollSizeBytes < smallest || rollSizeBytes > LogFormat.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("rollSizeBytes must be in [" + smallest + ", "
                    + LogFormat.MAX_FILE_BYTES + "], got " + rollSizeBytes);
        }
        try {
            Files.createDirectories(dir);
            LogRecovery.deleteTempFiles(dir);
            LogRecovery.Result result = LogRecovery.recover(dir);
            TreeMap<Long, Path> files = result.files();
            long nextLsn = result.nextLsn();
            if (files.isEmpty()) {
                nextLsn = 1;
                files.put(nextLsn, createLogFile(dir, nextLsn));
            }
            Path newest = files.lastEntry().getValue();
            RandomAccessFile active = new RandomAccessFile(newest.toFile(), "rw");
            try {
                if (result.tornTail() != null) {
                    LOG.warn("write-ahead log torn tail truncated file={} offset={} droppedBytes={} reason={}", newest,
                            result.newestValidBytes(), active.length() - result.newestValidBytes(), result.tornTail());
                    active.setLength(result.newestValidBytes());
                }
                // The previous process may have died before forcing what recovery just read. Force it now, or a
                // later power loss could take back records the caller has already replayed.
                active.getFD().sync();
                syncDirectory(dir);
                active.seek(active.length());
                return new WriteAheadLog(dir, durability, rollSizeBytes, result.records(), files, active, nextLsn);
            } catch (IOException | RuntimeException e) {
                closeQuietly(active, e);
                throw e;
            }
        } catch (IOException e) {
            throw new StorageException("cannot open write-ahead log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** All records that were in the log when it was opened, in LSN order; unaffected by later appends. */
    public List<WalRecord> recovered() {
        return recovered;
    }

    /**
     * Appends a record and returns its LSN. With {@link Durability#FSYNC} the record is on stable storage when this
     * returns; with {@link Durability#OS_BUFFERED} it is in the page cache.
     *
     * @throws IllegalArgumentException if the payload exceeds 128 MiB
     * @throws StorageException         if the log is broken by this or an earlier I/O failure, or the thread was
     *                                  interrupted while waiting (the record may then survive or not)
     * @throws IllegalStateException    if the log is closed
     */
    public long append(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > LogFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the "
                    + LogFormat.MAX_PAYLOAD_BYTES + "-byte limit");
        }
        lock.lock();
        try {
            ensureWritable();
            long recordBytes = LogFormat.RECORD_HEADER_BYTES + (long) payload.length;
            while (activeHoldsRecords() && activeBytes + recordBytes > rollSizeBytes) {
                rollWhenNoForceRuns("waiting to roll the log; nothing was written");
            }
            long lsn = nextLsn;
            byte[] record = LogFormat.encodeRecord(lsn, payload);
            try {
                active.write(record);
            } catch (IOException e) {
                throw fail("write lsn " + lsn, e);
            }
            nextLsn = lsn + 1;
            activeBytes += record.length;
            if (durability == Durability.FSYNC) {
                awaitDurable(lsn);
            }
            return lsn;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every log file all of whose records have an LSN below {@code lsn}; call it once those records are
     * durable elsewhere. Deletion is whole files, so {@link #recovered()} after a restart may still return some
     * records below {@code lsn}. If the newest file is entirely covered the log first rolls to a new, empty file.
     *
     * @throws StorageException if the log is broken or a file cannot be deleted
     */
    public void truncateBefore(long lsn) {
        lock.lock();
        try {
            ensureWritable();
            while (activeHoldsRecords() && nextLsn <= lsn) {
                rollWhenNoForceRuns("waiting to roll the log before truncating it");
            }
            deleteFilesBefore(lsn);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forces outstanding records (in both durability modes) and closes the file. Idempotent. Appenders still waiting
     * for a force either return normally, if this force succeeds, or throw.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            while (forceInProgress) {
                stateChanged.awaitUninterruptibly();
            }
            closed = true;
            IOException error = null;
            if (failure == null) {
                try {
                    active.getFD().sync();
                    durableLsn = nextLsn - 1;
                } catch (IOException e) {
                    error = e;
                    failure = e;
                }
            }
            try {
                active.close();
            } catch (IOException e) {
                if (error == null) {
                    error = e;
                } else {
                    error.addSuppressed(e);
                }
            }
            stateChanged.signalAll();
            if (error != null) {
                throw new StorageException("cannot close write-ahead log in " + dir + ": " + error.getMessage(), error);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean activeHoldsRecords() {
        return nextLsn > activeFirstLsn;
    }

    /** Group commit: the first waiter forces everything written so far; later arrivals wait for the next force. */
    private void awaitDurable(long lsn) {
        while (durableLsn < lsn) {
            ensureWritable();
            if (forceInProgress) {
                awaitStateChange("waiting for lsn " + lsn + " to be forced; it was written and may or may not"
                        + " survive a crash");
                continue;
            }
            forceInProgress = true;
            long target = nextLsn - 1;
            RandomAccessFile file = active;
            IOException error = null;
            // Force without the lock, so other threads keep writing records that the next force will cover.
            lock.unlock();
            try {
                file.getFD().sync();
            } catch (IOException e) {
                error = e;
            } finally {
                lock.lock();
                forceInProgress = false;
                stateChanged.signalAll();
            }
            if (error != null) {
                throw fail("force records up to lsn " + target, error);
            }
            durableLsn = Math.max(durableLsn, target);
        }
    }

    /** Rolls once no force runs outside the lock, since rolling closes the file that force would use. */
    private void rollWhenNoForceRuns(String pending) {
        if (forceInProgress) {
            awaitStateChange(pending);
            ensureWritable();
            return;
        }
        try {
            // Force the old file before the new one exists: recovery treats damage in any file but the newest as
            // corruption, which is only sound if older files are complete.
            active.getFD().sync();
            durableLsn = nextLsn - 1;
            Path file = createLogFile(dir, nextLsn);
            RandomAccessFile next = new RandomAccessFile(file.toFile(), "rw");
            next.seek(next.length());
            RandomAccessFile previous = active;
            active = next;
            activeFirstLsn = nextLsn;
            activeBytes = next.length();
            files.put(nextLsn, file);
            stateChanged.signalAll();
            previous.close();
        } catch (IOException e) {
            throw fail("roll to a new log file at lsn " + nextLsn, e);
        }
    }

    private void deleteFilesBefore(long lsn) {
        boolean deleted = false;
        try {
            // Oldest first: a crash part-way leaves a contiguous run of files, which recovery requires.
            while (files.size() > 1) {
                Map.Entry<Long, Path> oldest = files.firstEntry();
                long followingFirstLsn = files.higherKey(oldest.getKey());
                if (followingFirstLsn > lsn) {
                    break; // the oldest file still holds lsn followingFirstLsn - 1 >= lsn
                }
                Files.delete(oldest.getValue());
                files.pollFirstEntry();
                deleted = true;
            }
            if (deleted) {
                syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException("cannot delete truncated files of write-ahead log in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private void ensureWritable() {
        if (failure != null) {
            throw new StorageException("write-ahead log in " + dir
                    + " refuses writes after an earlier I/O failure; restart to recover", failure);
        }
        if (closed) {
            throw new IllegalStateException("write-ahead log in " + dir + " is closed");
        }
    }

    private void awaitStateChange(String pending) {
        try {
            stateChanged.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while " + pending + " (write-ahead log in " + dir + ")", e);
        }
    }

    /** Marks the log broken for good; the caller throws the returned exception. */
    private StorageException fail(String operation, IOException e) {
        if (failure == null) {
            failure = e;
            LOG.error("write-ahead log failed, refusing all further writes dir={} operation={}", dir, operation, e);
        }
        stateChanged.signalAll();
        return new StorageException("cannot " + operation + " in write-ahead log " + dir
                + "; the log refuses all writes until restarted", e);
    }

    private static Path createLogFile(Path dir, long firstLsn) throws IOException {
        String name = LogFormat.fileName(firstLsn);
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString()); // renaming over it would destroy records
        }
        Path temp = dir.resolve(name + ".tmp");
        try (RandomAccessFile out = new RandomAccessFile(temp.toFile(), "rw")) {
            out.setLength(0);
            out.write(LogFormat.header(firstLsn));
            out.getFD().sync();
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        return file;
    }

    /** Makes creations, renames and deletions in {@code dir} durable (etcd #6368, Lucene {@code IOUtils.fsync}). */
    private static void syncDirectory(Path dir) throws IOException {
        // Only a FileChannel can force a directory, and it closes itself if the thread is interrupted, which would
        // break the log over an unrelated interrupt. Hide a pending interrupt for this call and restore it after.
        boolean interrupted = Thread.interrupted();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(RandomAccessFile file, Exception pending) {
        try {
            file.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
