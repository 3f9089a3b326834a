package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import jobs of a cluster, one record per job in the metadata store (etcd) that every node reads
 * ({@link ImportJobRecords}: {@code job/<id>}), so GetImportState and ListImportTasks answer the same on any node.
 *
 * <p>A job runs on one node, which alone updates its record while the job runs, each time by a compare-and-set on
 * the record it read last; once a record says Completed or Failed no save changes it again ({@link #save}). Each
 * record names that node and the lease of its session; whoever reads a job not yet finished whose node
 * no longer holds that session (dead, restarted, or cut off long enough to lose its lease) marks it Failed with the
 * same compare-and-set, so a job never stays Importing after its node is gone, and a node that comes back finds its
 * job ended and stops writing it.
 *
 * <p>Ids come from the {@code last-id} counter (a compare-and-set, never reused), at least the hybrid clock's
 * reading so that they look like Milvus's. The unfinished-jobs limit is counted over every node's records, and a
 * job's record is created in one transaction with the {@code created} counter it read before counting: a job any
 * node recorded meanwhile changed the counter, so the transaction fails and the count is taken again. Two nodes
 * therefore cannot pass the limit together. Each failed transaction follows another node's recorded job, so the
 * retries cannot go on without progress; they are bounded all the same ({@link #MAX_ADD_ATTEMPTS}), as other guarded
 * writes of the cluster are, and a request that loses every one fails with a status the client may retry.
 */
public final class SharedImportLedger implements ImportLedger {
    private static final Logger LOG = LoggerFactory.getLogger(SharedImportLedger.class);
    private static final String JOB_PREFIX = "job/";
    private static final String LAST_ID = "last-id";
    /** Jobs ever recorded, the guard of the limit's check-and-create (see the class comment). */
    private static final String CREATED = "created";
    /** Progress of a running job reaches the records at most this often; state changes always do. */
    private static final long SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Transactions lost in a row before an Import gives up (other nodes keep recording jobs meanwhile). */
    static final int MAX_ADD_ATTEMPTS = 8;
    /**
     * Compares lost in a row before a save gives up (each lost to another write of the job's record that did not end
     * it); the caller's next save, or its retry of the job's end, carries the job on.
     */
    static final int MAX_SAVE_ATTEMPTS = 8;

    private final MetaStore records;
    private final long nodeId;
    private final LongSupplier currentLease;
    private final LongFunction<OptionalLong> sessionLease;
    private final LongSupplier clock;
    private final LongSupplier nanos;
    /** The jobs running (or queued) here: the record last written for each, to compare-and-set the next. */
    private final Map<Long, Written> running = new ConcurrentHashMap<>();

    private record Written(byte[] bytes, ImportJob.State state, long nanos) {}

    /**
     * @param records      the store under this cluster's import prefix
     * @param nodeId       this node's cluster id
     * @param currentLease the lease this node's session holds now
     * @param sessionLease the lease a node's session holds in etcd now (read there, not from a mirror); empty when
     *                     the node has no session
     * @param clock        the hybrid clock, the least an id may be
     */
    public SharedImportLedger(MetaStore records, long nodeId, LongSupplier currentLease,
                              LongFunction<OptionalLong> sessionLease, LongSupplier clock, LongSupplier nanos) {
        this.records = records;
        this.nodeId = nodeId;
        this.currentLease = currentLease;
        this.sessionLease = sessionLease;
        this.clock = clock;
        this.nanos = nanos;
    }

    @Override
    public long nextId() {
        while (true) {
            long floor = clock.getAsLong();
            Optional<byte[]> last = records.get(LAST_ID);
            long next = Math.max(floor, last.map(SharedImportLedger::number).orElse(0L) + 1);
            byte[] value = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
            if (last.isEmpty() ? records.putIfAbsent(LAST_ID, value) : records.replace(LAST_ID, last.get(), value)) {
                return next;
            }
        }
    }

    @Override
    public boolean add(ImportJob job, int maxUnfinished) {
        byte[] record = ImportJobRecords.encode(job, nodeId, currentLease.getAsLong());
        // Known as running here before the record exists, so no reader on this node takes it for an orphan.
        running.put(job.id(), new Written(record, job.state(), nanos.getAsLong()));
        boolean added = false;
        try {
            for (int attempt = 1; ; attempt++) {
                Optional<byte[]> created = records.get(CREATED); // read before counting: the guard of the count
                List<ImportJobRecords.Entry> entries = entries();
                if (entries.stream().anyMatch(e -> e.job().id() == job.id())) {
                    throw new IllegalStateException("import job id " + job.id() + " was recorded twice");
                }
                if (entries.stream().filter(e -> !e.job().state().finished()).count() >= maxUnfinished) {
                    return false;
                }
                long count = created.map(SharedImportLedger::number).orElse(0L) + 1;
                SortedMap<String, byte[]> writes = new TreeMap<>();
                writes.put(CREATED, Long.toString(count).getBytes(StandardCharsets.US_ASCII));
                writes.put(key(job.id()), record);
                if (records.putAllWhile(CREATED, created.orElse(null), writes)) {
                    added = true;
                    return true;
                }
                if (attempt >= MAX_ADD_ATTEMPTS) {
                    throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "import job " + job.id() + " was not"
                            + " recorded: other nodes recorded jobs during each of " + MAX_ADD_ATTEMPTS + " attempts,"
                            + " try again");
                }
            }
        } finally {
            if (!added) {
                running.remove(job.id());
            }
        }
    }

    /**
     * Writes the job's record by a compare-and-set on the record as this node last saw it. A lost compare means another
     * writer came first: the job's own thread and a stop both save a job of this node, and a reader fails an orphan.
     * The record is then read again: an ended one (Completed or Failed) is final and the save gives way; one not ended
     * was written by this node (its progress, or a write whose answer was lost), and the save is tried over it.
     */
    @Override
    public boolean save(ImportJob job) {
        Written last = running.get(job.id());
        if (last == null) {
            return false;
        }
        ImportJob.State state = job.state();
        long now = nanos.getAsLong();
        if (!state.finished() && state == last.state() && now - last.nanos() < SAVE_INTERVAL_NANOS) {
            return true;
        }
        String key = key(job.id());
        byte[] record = ImportJobRecords.encode(job, nodeId, currentLease.getAsLong());
        byte[] expected = last.bytes();
        for (int attempt = 1; !records.replace(key, expected, record); attempt++) {
            Optional<byte[]> stored = records.get(key);
            if (stored.isPresent() && Arrays.equals(stored.get(), record)) {
                break; // an earlier attempt that failed on the way back wrote it already
            }
            if (stored.isEmpty() || ImportJobRecords.decode(key, stored.get()).job().state().finished()) {
                running.remove(job.id()); // ended elsewhere, or forgotten: this node must stop writing it
                return false;
            }
            if (attempt >= MAX_SAVE_ATTEMPTS) {
                throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "import job " + job.id() + " was not saved:"
                        + " its record changed during each of " + MAX_SAVE_ATTEMPTS + " attempts");
            }
            expected = stored.get();
        }
        if (state.finished()) {
            running.remove(job.id());
        } else {
            // Not put back once a stop's save of the end removed it meanwhile.
            running.computeIfPresent(job.id(), (id, written) -> new Written(record, state, now));
        }
        return true;
    }

    @Override
    public Optional<ImportJob> find(long id) {
        String key = key(id);
        return records.get(key).map(value -> settled(key, value).job());
    }

    @Override
    public List<ImportJob> all(long nowMillis, long retentionMs) {
        List<ImportJob> jobs = new ArrayList<>();
        List<ImportJobRecords.Entry> finished = new ArrayList<>();
        for (ImportJobRecords.Entry entry : entries()) {
            ImportJob job = entry.job();
            if (job.state().finished() && nowMillis - job.finishedMillis() > retentionMs) {
                records.deleteTree(key(job.id()));
                continue;
            }
            jobs.add(job);
            if (job.state().finished()) {
                finished.add(entry);
            }
        }
        if (jobs.size() > MAX_JOBS_KEPT) {
            List<Long> dropped = finished.stream().map(e -> e.job().id()).sorted()
                    .limit(jobs.size() - MAX_JOBS_KEPT).toList();
            dropped.forEach(id -> records.deleteTree(key(id)));
            jobs.removeIf(j -> dropped.contains(j.id()));
        }
        jobs.sort(Comparator.comparingLong(ImportJob::id));
        return jobs;
    }

    /** Every record, each orphan (see the class comment) marked Failed first; an unreadable record is skipped. */
    private List<ImportJobRecords.Entry> entries() {
        List<ImportJobRecords.Entry> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> record : records.scan(JOB_PREFIX).entrySet()) {
            try {
                out.add(settled(record.getKey(), record.getValue()));
            } catch (RuntimeException e) {
                LOG.warn("event=import_job_record_unreadable key={} error=\"{}\"", record.getKey(), e.getMessage());
            }
        }
        return out;
    }

    /** The record as read, or, when its job is unfinished and its node gone, the job failed (written so). */
    private ImportJobRecords.Entry settled(String key, byte[] value) {
        ImportJobRecords.Entry entry = ImportJobRecords.decode(key, value);
        ImportJob job = entry.job();
        String gone = job.state().finished() ? null : whyOrphaned(entry);
        if (gone == null) {
            return entry;
        }
        job.failed(gone, System.currentTimeMillis());
        if (records.replace(key, value, ImportJobRecords.encode(job, entry.node(), entry.lease()))) {
            LOG.warn("event=import_job_orphaned job={} node={} reason=\"{}\"", job.id(), entry.node(), gone);
            return new ImportJobRecords.Entry(job, entry.node(), entry.lease());
        }
        // Its node wrote it meanwhile, or another reader failed it first: the record as it is now.
        return records.get(key).map(now -> ImportJobRecords.decode(key, now)).orElse(entry);
    }

    /** Why the job's node can no longer finish it, or null while it can. */
    private String whyOrphaned(ImportJobRecords.Entry entry) {
        // A job is marked Importing (and saved) before its first row is written; its rows count at most a second old.
        String rows = entry.job().state() == ImportJob.State.IMPORTING
                ? "; the rows it wrote before (at least " + entry.job().importedRows() + ") stay in the collection"
                : "; none of its rows had been written";
        if (entry.node() == nodeId) {
            return running.containsKey(entry.job().id()) ? null
                    : "node " + nodeId + " that ran the import job restarted before the job finished" + rows;
        }
        OptionalLong lease = sessionLease.apply(entry.node());
        if (lease.isPresent() && lease.getAsLong() == entry.lease()) {
            return null;
        }
        return "node " + entry.node() + " that ran the import job left the cluster (its etcd session ended)"
                + " before the job finished" + rows;
    }

    private static String key(long id) {
        return JOB_PREFIX + id;
    }

    private static long number(byte[] value) {
        return Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim());
    }
}
