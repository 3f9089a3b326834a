package dev.vectorvault.storage.wal;

import dev.vectorvault.storage.io.FileStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every log file in a directory and decides, record by record, what survives: the recovery half of
 * {@link WriteAheadLog}. It never modifies a log file; the caller truncates the torn tail it reports.
 */
final class LogRecovery {
    /**
     * What the directory holds.
     *
     * @param files            first LSN to file, oldest first; the last one is where appends continue
     * @param records          every valid record, in LSN order
     * @param nextLsn          the LSN the next append gets
     * @param newestValidBytes length of the newest file up to the end of its last valid record
     * @param tornTail         why the bytes after {@code newestValidBytes} were rejected, or {@code null} if none
     */
    record Result(TreeMap<Long, String> files, List<WalRecord> records, long nextLsn, long newestValidBytes,
            String tornTail) {
    }

    private LogRecovery() {
    }

    /** Deletes leftovers of file creation that a crash interrupted. */
    static void deleteTempFiles(FileStore store, String prefix) throws IOException {
        for (String name : store.list(prefix)) {
            // A temp file is renamed into place only after its header is forced, so one that still exists
            // was never part of the log.
            if (LogFormat.isTempFile(name.substring(prefix.length()))) {
                store.delete(name);
            }
        }
    }

    static Result recover(FileStore store, String prefix) throws IOException {
        TreeMap<Long, String> files = listLogFiles(store, prefix);
        List<WalRecord> records = new ArrayList<>();
        long nextLsn = -1;
        long newestValidBytes = 0;
        String tornTail = null;
        for (Map.Entry<Long, String> entry : files.entrySet()) {
            String file = store.describe(entry.getValue());
            ByteBuffer bytes = ByteBuffer.wrap(readLogFile(store, entry.getValue())).order(ByteOrder.LITTLE_ENDIAN);
            LogFormat.Header header = LogFormat.checkHeader(file, bytes.array(), entry.getKey());
            long firstLsn = header.firstLsn();
            if (nextLsn != -1 && firstLsn != nextLsn) {
                throw LogFormat.corrupt(file, 0, "first lsn " + firstLsn + " does not follow lsn "
                        + (nextLsn - 1) + " at the end of the previous log file; a log file is missing");
            }
            int offset = header.length();
            long lsn = firstLsn;
            String problem = null;
            while (offset < bytes.limit()) {
                problem = LogFormat.recordProblem(bytes, offset, lsn);
                if (problem != null) {
                    break;
                }
                records.add(new WalRecord(lsn, LogFormat.payload(bytes, offset)));
                offset += LogFormat.recordBytes(bytes, offset);
                lsn++;
            }
            if (problem != null) {
                checkIsTornTail(file, bytes, offset, lsn, problem, entry.getKey().equals(files.lastKey()));
                tornTail = problem;
            }
            nextLsn = lsn;
            newestValidBytes = offset;
        }
        return new Result(files, List.copyOf(records), nextLsn, newestValidBytes, tornTail);
    }

    /**
     * A crash mid-write can only damage the end of the newest file: the writer appends sequentially, and forces a
     * file completely before it creates the next one. Damage anywhere else is corruption and must stop the open.
     */
    private static void checkIsTornTail(String file, ByteBuffer bytes, int offset, long expectedLsn, String problem,
            boolean newest) {
        if (!newest) {
            throw LogFormat.corrupt(file, offset, problem + "; this file was complete before the next one was"
                    + " created, so the damage is corruption, not a torn write");
        }
        int follower = findValidRecord(bytes, offset + 1, expectedLsn);
        if (follower >= 0) {
            throw LogFormat.corrupt(file, offset, problem + "; a valid record follows at offset " + follower
                    + ", so the damage is corruption, not a torn write");
        }
    }

    /**
     * Offset of the first valid record at or after {@code from} whose LSN could belong after {@code expectedLsn - 1},
     * or -1. A torn write leaves only garbage after the last good record; finding a real record there means an
     * acknowledged record in the middle was damaged.
     */
    private static int findValidRecord(ByteBuffer bytes, int from, long expectedLsn) {
        // Every record takes at least RECORD_HEADER_BYTES, which caps the LSNs the rest of the file can hold.
        long maxLsn = expectedLsn + (bytes.limit() - from) / LogFormat.RECORD_HEADER_BYTES;
        for (int offset = from; offset <= bytes.limit() - LogFormat.RECORD_HEADER_BYTES; offset++) {
            long lsn = bytes.getLong(offset + 8);
            if (lsn >= expectedLsn && lsn <= maxLsn && LogFormat.recordProblem(bytes, offset, lsn) == null) {
                return offset;
            }
        }
        return -1;
    }

    private static TreeMap<Long, String> listLogFiles(FileStore store, String prefix) throws IOException {
        TreeMap<Long, String> files = new TreeMap<>();
        for (String name : store.list(prefix)) {
            String local = name.substring(prefix.length());
            long firstLsn = local.contains("/") ? -1 : LogFormat.firstLsnOf(local);
            if (firstLsn >= 1) {
                files.put(firstLsn, name);
            }
        }
        return files;
    }

    private static byte[] readLogFile(FileStore store, String name) throws IOException {
        long size = store.size(name);
        // Recovery holds one file in memory; refuse sizes no writer produces instead of dying in readAll.
        if (size > LogFormat.MAX_FILE_BYTES) {
            throw LogFormat.corrupt(store.describe(name), 0, "file of " + size + " bytes is larger than any log"
                    + " file (" + LogFormat.MAX_FILE_BYTES + " bytes at most)");
        }
        return store.readAll(name);
    }
}
