package dev.vectorvault.ingest;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The jobs of one process, in its memory: a job's object is its record, so saving has nothing to do. */
public final class LocalImportLedger implements ImportLedger {
    private final Map<Long, ImportJob> jobs = new ConcurrentHashMap<>();
    private final LongSupplier ids;

    /** @param ids unique increasing ids (the hybrid clock, so ids look like Milvus's) */
    public LocalImportLedger(LongSupplier ids) {
        this.ids = ids;
    }

    @Override
    public long nextId() {
        return ids.getAsLong();
    }

    @Override
    public synchronized boolean add(ImportJob job, int maxUnfinished) {
        if (jobs.values().stream().filter(j -> !j.state().finished()).count() >= maxUnfinished) {
            return false;
        }
        jobs.put(job.id(), job);
        return true;
    }

    @Override
    public boolean save(ImportJob job) {
        return true;
    }

    @Override
    public Optional<ImportJob> find(long id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized List<ImportJob> all(long nowMillis, long retentionMs) {
        jobs.values().removeIf(j -> j.state().finished() && nowMillis - j.finishedMillis() > retentionMs);
        if (jobs.size() > MAX_JOBS_KEPT) {
            jobs.values().stream().filter(j -> j.state().finished()).sorted(Comparator.comparingLong(ImportJob::id))
                    .limit(jobs.size() - MAX_JOBS_KEPT).map(ImportJob::id).toList().forEach(jobs::remove);
        }
        return jobs.values().stream().sorted(Comparator.comparingLong(ImportJob::id)).toList();
    }
}
