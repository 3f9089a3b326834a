package dev.vectorvault.ingest;

import java.util.List;
import java.util.function.Function;
import java.util.function.LongToIntFunction;

/**
 * One bulk import job as the RPCs report it: Milvus's v2 states, rows checked and imported, progress in percent,
 * and the reason of a failure. Written by the one thread running the job, read by any caller; a stop may fail it from
 * another thread, and once ended (Completed or Failed) nothing changes it any more.
 */
public final class ImportJob {
    /**
     * Milvus's ImportJobState names: copying and checking every file (PreImporting) comes before writing any row
     * (Importing). The names are those the job records keep; clients see {@link #reportedName()}.
     */
    public enum State {
        PENDING("Pending"), PRE_IMPORTING("PreImporting"), IMPORTING("Importing"), COMPLETED("Completed"),
        FAILED("Failed");

        private final String milvusName;

        State(String milvusName) {
            this.milvusName = milvusName;
        }

        public String milvusName() {
            return milvusName;
        }

        /**
         * The state GetImportProgress and REST describe answer: Milvus's data coordinator reports a job that is
         * PreImporting as Importing (with progress between {@link #PRE_IMPORTING_FROM} and {@link #IMPORTING_FROM}).
         */
        public String reportedName() {
            return this == PRE_IMPORTING ? IMPORTING.milvusName : milvusName;
        }

        static State ofMilvusName(String name) {
            for (State state : values()) {
                if (state.milvusName.equals(name)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown import job state '" + name + "'");
        }

        public boolean finished() {
            return this == COMPLETED || this == FAILED;
        }
    }

    /**
     * Milvus's progress scale (its data coordinator's weights): up to 10 while Pending, 10 to 40 while PreImporting,
     * from 40 while Importing, 100 once Completed.
     */
    public static final int PRE_IMPORTING_FROM = 10;
    public static final int IMPORTING_FROM = 40;

    private final long id;
    private final String database;
    private final String collection;
    private final long collectionId;
    private final String partition;
    private final List<List<String>> files;
    private final long createdMillis;
    private volatile State state = State.PENDING;
    private volatile long totalRows;
    private volatile long importedRows;
    private volatile int progress;
    private volatile String reason = "";
    private volatile long finishedMillis;

    public ImportJob(long id, String database, String collection, long collectionId, String partition,
                     List<List<String>> files, long createdMillis) {
        this.id = id;
        this.database = database;
        this.collection = collection;
        this.collectionId = collectionId;
        this.partition = partition;
        this.files = List.copyOf(files.stream().map(List::copyOf).toList());
        this.createdMillis = createdMillis;
    }

    /** A job as another node recorded it (read from the shared job records), in the state it was saved in. */
    static ImportJob recorded(long id, String database, String collection, long collectionId, String partition,
                              List<List<String>> files, long createdMillis, State state, long totalRows,
                              long importedRows, int progress, String reason, long finishedMillis) {
        ImportJob job = new ImportJob(id, database, collection, collectionId, partition, files, createdMillis);
        job.state = state;
        job.totalRows = totalRows;
        job.importedRows = importedRows;
        job.progress = progress;
        job.reason = reason;
        job.finishedMillis = finishedMillis;
        return job;
    }

    public long id() {
        return id;
    }

    public String database() {
        return database;
    }

    public String collection() {
        return collection;
    }

    public long collectionId() {
        return collectionId;
    }

    public String partition() {
        return partition;
    }

    public List<List<String>> files() {
        return files;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public State state() {
        return state;
    }

    public long totalRows() {
        return totalRows;
    }

    public long importedRows() {
        return importedRows;
    }

    public int progress() {
        return progress;
    }

    public String reason() {
        return reason;
    }

    /** When the job completed or failed (epoch ms); 0 while it runs. */
    public long finishedMillis() {
        return finishedMillis;
    }

    public synchronized void checking(int percent) {
        if (!state.finished()) {
            state = State.PRE_IMPORTING;
            progress = percent;
        }
    }

    public void checked(long rows) {
        totalRows = rows;
    }

    public synchronized void importing(long rowsSoFar, int percent) {
        if (!state.finished()) {
            state = State.IMPORTING;
            importedRows = rowsSoFar;
            progress = percent;
        }
    }

    /**
     * Writes one batch of {@code rows} rows ({@code write}, which writes all of them or none) and counts them, unless
     * the job ended meanwhile; returns whether it wrote. A failure ({@link #failUnlessEnded}) waits for a batch being
     * written, so the rows it counts are exactly the rows written: the batch is counted, or was never written.
     */
    public synchronized boolean writeBatch(Runnable write, long rows, LongToIntFunction percentAt) {
        if (state.finished()) {
            return false;
        }
        write.run();
        importing(importedRows + rows, percentAt.applyAsInt(importedRows + rows));
        return true;
    }

    public synchronized void completed(long nowMillis) {
        if (!state.finished()) {
            progress = 100;
            finishedMillis = nowMillis;
            state = State.COMPLETED;
        }
    }

    /** Fails the job with the reason {@code why}, unless it ended already: an end is final. */
    public synchronized void failed(String why, long nowMillis) {
        if (!state.finished()) {
            reason = why;
            finishedMillis = nowMillis;
            state = State.FAILED;
        }
    }

    /**
     * Fails the job with the reason {@code why} gives for it as it stands (its rows written, after any batch being
     * written), unless it ended already; returns whether it failed it.
     */
    public synchronized boolean failUnlessEnded(Function<ImportJob, String> why, long nowMillis) {
        if (state.finished()) {
            return false;
        }
        failed(why.apply(this), nowMillis);
        return true;
    }
}
