package dev.vectorvault.storage.wal;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.AppendableFile;
import dev.vectorvault.storage.io.FileStore;
import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * throws {@link StorageException} ({@code STORAGE_FSYNC_FAILED}, {@code STORAGE_DISK_FULL} or
 * {@code STORAGE_IO_FAILED}). Nothing is retried, because a retried fsync can report success after the kernel
 * dropped the dirty pages (PostgreSQL "fsyncgate", checklist A7). {@link #reopenAfterFailure} (or a restart)
 * recovers: it cuts the file back to what the last successful force covered, so no byte whose force failed can
 * come back from the page cache, and then opens the log again from what is on disk.</li>
 * <li>{@link #open} recovers. A torn tail, meaning invalid bytes after the last valid record of the newest file with
 * no valid record after them, is what a crash mid-write leaves; it is truncated with a WARN line naming the file,
 * offset and reason. Any other damage (a bad record followed by valid ones, a bad record in an older file, a bad
 * header, a missing file) throws {@link StorageException} {@code STORAGE_CORRUPT} naming the file and byte offset;
 * nothing is skipped.</li>
 * <li>One instance per directory at a time; there is no lock file, the caller must ensure it.</li>
 * </ul>
 *
 * <h2>On-disk format, version 2</h2>
 * All integers are little-endian. The files live on a {@link FileStore} (the local disk, or a fault-injecting one in
 * tests) under a name prefix.
 *
 * <pre>
 * &lt;prefix&gt;wal-&lt;first lsn, 20 digits&gt;.log          for example wal/wal-00000000000000000001.log
 *   header, 39 bytes
 *     the common frame header ({@link dev.vectorvault.storage.io.Frame}): magic "VVFM", "vectorvault-wal", version 2,
 *     CRC32C
 *     i64  first lsn, equal to the number in the file name
 *     u32  CRC32C of the first lsn
 *   records, back to back up to the end of the file
 *     (as in version 1, below)
 * </pre>
 *
 * Version 1 (commit 53506df and before; still read, and appended to when it is the newest file):
 * <pre>
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
 * A new file is created whole with its header by the store's atomic write (temp file, force, rename, force the
 * folder), so a file under its final name always has a complete header and survives power loss (etcd #6368). The log
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
    /** Roll size used by {@link #open(FileStore, String, Durability)}. */
    public static final long DEFAULT_ROLL_SIZE_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

    private final FileStore store;
    private final String prefix;
    private final String dir;
    private final Durability durability;
    private final long rollSizeBytes;
    private final List<WalRecord> recovered;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stateChanged = lock.newCondition();

    // Everything below is guarded by lock.
    private final TreeMap<Long, String> files;
    private AppendableFile active;
    private long activeFirstLsn;
    private long activeBytes;
    /** Length of the active file that the last successful force covered: all a failed log may keep. */
    private long activeDurableBytes;
    private long nextLsn;
    private long durableLsn;
    private boolean forceInProgress;
    private StorageException failure;
    private boolean closed;
    private volatile ForceListener forceListener = ForceListener.NONE;

    private WriteAheadLog(FileStore store, String prefix, Durability durability, long rollSizeBytes,
            List<WalRecord> recovered, TreeMap<Long, String> files, AppendableFile active, long nextLsn)
            throws IOException {
        this.store = store;
        this.prefix = prefix;
        this.dir = store.describe(prefix.isEmpty() ? "." : prefix);
        this.durability = durability;
        this.rollSizeBytes = rollSizeBytes;
        this.recovered = recovered;
        this.files = files;
        this.active = active;
        this.activeFirstLsn = files.lastKey();
        this.activeBytes = active.size();
        this.activeDurableBytes = activeBytes;
        this.nextLsn = nextLsn;
        this.durableLsn = nextLsn - 1;
    }

    /** Opens or creates the log in a folder of the local disk, with the default roll size. */
    public static WriteAheadLog open(Path dir, Durability durability) {
        return open(dir, durability, DEFAULT_ROLL_SIZE_BYTES);
    }

    /** Opens or creates the log in a folder of the local disk. */
    public static WriteAheadLog open(Path dir, Durability durability, long rollSizeBytes) {
        try {
            return open(LocalDisk.open(dir), "", durability, rollSizeBytes);
        } catch (IOException e) {
            throw StorageException.io("open the write-ahead log folder", dir.toString(), e);
        }
    }

    /** Opens or creates the log under {@code prefix} of {@code store}, with the default roll size. */
    public static WriteAheadLog open(FileStore store, String prefix, Durability durability) {
        return open(store, prefix, durability, DEFAULT_ROLL_SIZE_BYTES);
    }

    /**
     * Opens or creates the log under {@code prefix} ("" or a folder ending in '/') of {@code store}, recovering it as
     * described in the class comment. When this returns, every recovered record is forced to disk.
     *
     * @param rollSizeBytes size past which appends move to a new file, at most 1 GiB
     * @throws StorageException {@code STORAGE_CORRUPT} if the log holds damage other than a torn tail; another
     *                          {@code STORAGE_*} code if the store cannot be read or written
     */
    public static WriteAheadLog open(FileStore store, String prefix, Durability durability, long rollSizeBytes) {
        Objects.requireNonNull(durability, "durability");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must be empty or end in '/': " + prefix);
        }
        long smallest = LogFormat.HEADER_BYTES + LogFormat.RECORD_HEADER_BYTES;
        if (rollSizeBytes < smallest || rollSizeBytes > LogFormat.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("rollSizeBytes must be in [" + smallest + ", "
                    + LogFormat.MAX_FILE_BYTES + "], got " + rollSizeBytes);
        }
        String where = store.describe(prefix.isEmpty() ? "." : prefix);
        try {
            LogRecovery.deleteTempFiles(store, prefix);
            LogRecovery.Result result = LogRecovery.recover(store, prefix);
            TreeMap<Long, String> files = result.files();
            long nextLsn = result.nextLsn();
            if (files.isEmpty()) {
                nextLsn = 1;
                files.put(nextLsn, createLogFile(store, prefix, nextLsn));
            }
            String newest = files.lastEntry().getValue();
            AppendableFile active = store.openAppendable(newest);
            try {
                if (result.tornTail() != null) {
                    LOG.warn("write-ahead log torn tail truncated file={} offset={} droppedBytes={} reason={}",
                            store.describe(newest), result.newestValidBytes(),
                            active.size() - result.newestValidBytes(), result.tornTail());
                    active.truncate(result.newestValidBytes());
                }
                // The previous process may have died before forcing what recovery just read (or a failed folder
                // force left a file's name undurable). Force both now, or a later power loss could take back
                // records the caller has already replayed.
                active.force();
                store.syncFolder(prefix);
                return new WriteAheadLog(store, prefix, durability, rollSizeBytes, result.records(), files, active,
                        nextLsn);
            } catch (IOException | RuntimeException e) {
                closeQuietly(active, e);
                throw e;
            }
        } catch (IOException e) {
            throw StorageException.io("open the write-ahead log in", where, e);
        }
    }

    /** All records that were in the log when it was opened, in LSN order; unaffected by later appends. */
    public List<WalRecord> recovered() {
        return recovered;
    }

    /** Whether an I/O failure has stopped this log; see {@link #reopenAfterFailure}. */
    public boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Recovers a {@linkplain #failed() failed} log from the disk and returns the reopened log; this instance is closed.
     * The active file is first cut back to the length its last successful force covered: bytes written after it
     * were never acknowledged (their appends threw), and after a failed force the page cache may still show them
     * although they will never reach the disk, so they must not be replayed or built upon. Then the log is opened
     * as at start-up, from what the store really holds.
     *
     * @throws StorageException if the disk still fails; the log stays failed and this may be called again
     */
    public WriteAheadLog reopenAfterFailure() {
        lock.lock();
        try {
            while (forceInProgress) {
                stateChanged.awaitUninterruptibly();
            }
            if (!closed) {
                closed = true;
                closeQuietly(active, null);
                stateChanged.signalAll();
            }
            String newest = files.lastEntry().getValue();
            try (AppendableFile file = store.openAppendable(newest)) {
                if (file.size() > activeDurableBytes) {
                    LOG.warn("write-ahead log drops bytes whose force failed or never ran file={} offset={}"
                            + " droppedBytes={}", store.describe(newest), activeDurableBytes,
                            file.size() - activeDurableBytes);
                    file.truncate(activeDurableBytes);
                }
                file.force();
            } catch (IOException e) {
                throw StorageException.fsyncFailed(store.describe(newest), e);
            }
        } finally {
            lock.unlock();
        }
        WriteAheadLog reopened = open(store, prefix, durability, rollSizeBytes);
        reopened.onForce(forceListener);
        LOG.info("event=wal_recovered dir={} records={} nextLsn={}", dir, reopened.recovered.size(),
                reopened.nextLsn);
        return reopened;
    }

    /** Reports every later force of the log to {@code listener} (also after {@link #reopenAfterFailure()}). */
    public void onForce(ForceListener listener) {
        forceListener = Objects.requireNonNull(listener, "listener");
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
                active.append(ByteBuffer.wrap(record));
            } catch (IOException e) {
                throw fail("write lsn " + lsn + " to", e, false);
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
                    active.force();
                    durableLsn = nextLsn - 1;
                    activeDurableBytes = activeBytes;
                } catch (IOException e) {
                    error = e;
                    failure = StorageException.fsyncFailed(activeName(), e);
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
                throw StorageException.io("close the write-ahead log in", dir, error);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean activeHoldsRecords() {
        return nextLsn > activeFirstLsn;
    }

    private String activeName() {
        return store.describe(files.lastEntry().getValue());
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
            long targetBytes = activeBytes;
            AppendableFile file = active;
            IOException error = null;
            // Force without the lock, so other threads keep writing records that the next force will cover.
            lock.unlock();
            try {
                long started = System.nanoTime();
                file.force();
                forceListener.forced(System.nanoTime() - started);
            } catch (IOException e) {
                error = e;
            } finally {
                lock.lock();
                forceInProgress = false;
                stateChanged.signalAll();
            }
            if (error != null) {
                throw fail("force records up to lsn " + target + " of", error, true);
            }
            durableLsn = Math.max(durableLsn, target);
            if (file == active) {
                activeDurableBytes = Math.max(activeDurableBytes, targetBytes);
            }
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
            try {
                long started = System.nanoTime();
                active.force();
                forceListener.forced(System.nanoTime() - started);
            } catch (IOException e) {
                throw fail("force before rolling", e, true);
            }
            durableLsn = nextLsn - 1;
            activeDurableBytes = activeBytes;
            String file = createLogFile(store, prefix, nextLsn);
            AppendableFile next = store.openAppendable(file);
            AppendableFile previous = active;
            active = next;
            activeFirstLsn = nextLsn;
            activeBytes = next.size();
            activeDurableBytes = activeBytes;
            files.put(nextLsn, file);
            stateChanged.signalAll();
            previous.close();
        } catch (IOException e) {
            throw fail("roll to a new log file at lsn " + nextLsn + " in", e, false);
        }
    }

    private void deleteFilesBefore(long lsn) {
        try {
            // Oldest first: a crash part-way leaves a contiguous run of files, which recovery requires.
            while (files.size() > 1) {
                Map.Entry<Long, String> oldest = files.firstEntry();
                long followingFirstLsn = files.higherKey(oldest.getKey());
                if (followingFirstLsn > lsn) {
                    break; // the oldest file still holds lsn followingFirstLsn - 1 >= lsn
                }
                store.delete(oldest.getValue());
                files.pollFirstEntry();
            }
        } catch (IOException e) {
            throw StorageException.io("delete truncated files of the write-ahead log in", dir, e);
        }
    }

    private void ensureWritable() {
        if (failure != null) {
            throw new StorageException(failure.errorCode(), failure.file(), StorageException.NO_OFFSET,
                    failure.getMessage() + "; the write-ahead log refuses writes until it has recovered from disk",
                    failure);
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
            throw new StorageException(ErrorCode.STORAGE_IO_FAILED, dir, StorageException.NO_OFFSET,
                    "IO failed: interrupted while " + pending + " (write-ahead log in " + dir + ")", e);
        }
    }

    /** Marks the log broken until {@link #reopenAfterFailure}; the caller throws the returned exception. */
    private StorageException fail(String operation, IOException e, boolean force) {
        StorageException error = force ? StorageException.fsyncFailed(activeName(), e)
                : StorageException.io(operation, activeName(), e);
        if (failure == null) {
            failure = error;
            LOG.error("event=wal_failed dir={} operation={} code={}: the log refuses writes until it has recovered"
                    + " from disk", dir, operation, error.errorCode(), e);
        }
        stateChanged.signalAll();
        return error;
    }

    private static String createLogFile(FileStore store, String prefix, long firstLsn) throws IOException {
        String name = prefix + LogFormat.fileName(firstLsn);
        if (store.exists(name)) {
            throw new java.nio.file.FileAlreadyExistsException(store.describe(name)); // would destroy records
        }
        store.write(name, LogFormat.header(firstLsn));
        return name;
    }

    private static void closeQuietly(AppendableFile file, Exception pending) {
        try {
            file.close();
        } catch (IOException e) {
            if (pending != null) {
                pending.addSuppressed(e);
            }
        }
    }
}
