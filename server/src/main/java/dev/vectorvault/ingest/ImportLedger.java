package dev.vectorvault.ingest;

import java.util.List;
import java.util.Optional;

/**
 * Where import jobs are recorded: this process's memory (embedded mode: the jobs end with the process, as if
 * expired), or the metadata store every node of a cluster reads, so that any node answers for any job.
 */
public interface ImportLedger {
    /** Finished jobs kept at most, whatever the retention says, so the records cannot grow without bound. */
    int MAX_JOBS_KEPT = 10_000;

    /** An id no other job of the ledger has, nor will have. */
    long nextId();

    /**
     * Records a new job, unless {@code maxUnfinished} jobs not yet finished are recorded already; returns whether it
     * recorded it.
     *
     * @throws dev.vectorvault.common.MilvusException SERVICE_UNAVAILABLE (retryable) when a shared ledger could not
     *                                                record it, other nodes' jobs changing the records each time
     */
    boolean add(ImportJob job, int maxUnfinished);

    /**
     * Records the job's current progress (a shared ledger may skip a save that changes only the progress shortly
     * after the last one); returns false when the job was ended elsewhere (failed by another node) and must stop.
     * A recorded end (Completed or Failed) is final: no later or racing save replaces it.
     *
     * @throws dev.vectorvault.common.MilvusException SERVICE_UNAVAILABLE when a shared ledger could not write it; the
     *                                                job goes on and a later save carries its progress
     */
    boolean save(ImportJob job);

    Optional<ImportJob> find(long id);

    /** Every job, oldest first, after forgetting those finished more than {@code retentionMs} before now. */
    List<ImportJob> all(long nowMillis, long retentionMs);
}
