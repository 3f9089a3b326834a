package dev.vectorvault.storage.data;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.index.FieldVectors;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.index.VectorIndex;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approximate index of one sealed segment's vector field through its life: pending, then loaded from its file or
 * built (and written), or failed; cancelled when the segment or the index definition goes away. Searches use it only
 * once {@link #ready()}; until then the segment is searched exactly. State fields are volatile: one background thread
 * writes them, searching threads read them.
 */
final class SegmentIndex implements AnnIndex {
    /** How a finished index came to be; tests and logs tell a load from a rebuild by it. */
    enum Origin { NONE, LOADED, BUILT }

    private static final Logger LOG = LoggerFactory.getLogger(SegmentIndex.class);

    final VectorIndexSpec spec;
    final long segmentId;
    final int field;
    private final int rows;
    private volatile long indexedRows;
    private volatile VectorIndex index;
    private volatile Origin origin = Origin.NONE;
    private volatile String failure = "";
    private volatile boolean cancelled;
    /** Whether letting the segment store this field's vectors was tried already (once per index is enough). */
    private final java.util.concurrent.atomic.AtomicBoolean vectorReleaseClaimed =
            new java.util.concurrent.atomic.AtomicBoolean();

    SegmentIndex(VectorIndexSpec spec, long segmentId, int field, int rows) {
        this.spec = spec;
        this.segmentId = segmentId;
        this.field = field;
        this.rows = rows;
    }

    boolean ready() {
        return origin != Origin.NONE;
    }

    Origin origin() {
        return origin;
    }

    String failure() {
        return failure;
    }

    boolean failed() {
        return !failure.isEmpty();
    }

    /** Another try is on its way: no longer failed (only pending) until that try ends. */
    void tryingAgain() {
        failure = "";
    }

    /**
     * Rows of the segment already in the index; all of them only once it is ready (built and written, or loaded),
     * so "nothing pending" always means "searched through the index".
     */
    long indexedRows() {
        return ready() ? rows : Math.min(indexedRows, rows - 1L);
    }

    /** Stops a build that has not finished; a cancelled index never becomes ready and writes no file. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * True the first time it is asked for a ready index that reads only codes: the caller then tries to let the
     * segment store this field's vectors ({@link IndexMaintenance}); false afterwards, or for any other index.
     */
    boolean claimVectorRelease() {
        VectorIndex finished = index;
        return ready() && !cancelled && finished != null && finished.readsOnlyCodes()
                && vectorReleaseClaimed.compareAndSet(false, true);
    }

    /**
     * One try at making the index ready and its file written: loads it from {@code file} if that holds this index
     * over these vectors, else builds it and writes the file. A damaged or mismatched file is logged and replaced,
     * never used. After a try that built or loaded the index but could not write its file, the index is used from
     * memory and a further try only writes the file. Runs on the build thread.
     *
     * @return whether the index is settled: ready with its file on disk, or cancelled; false when this try failed
     *         (an I/O error, a full disk, too little memory) and another is worth making later
     */
    boolean loadOrBuild(FieldVectors vectors, ObjectStore store, String file, String previousVersionFile,
                        boolean tryLoad, int threads) {
        if (cancelled) {
            return true;
        }
        try {
            if (index == null) {
                if (tryLoad && load(vectors, store, file)) {
                    failure = "";
                    return true;
                }
                if (!(tryLoad && load(vectors, store, previousVersionFile))) {
                    long started = System.nanoTime();
                    build(vectors, threads);
                    if (cancelled) {
                        return true;
                    }
                    LOG.info("event=index_built segment={} field={} kind={} rows={} ms={}", segmentId, field,
                            spec.kind(), rows, (System.nanoTime() - started) / 1_000_000);
                }
                // Else loaded from the previous version's file: rewritten in the current version, so the old file
                // can go at the next checkpoint.
            }
            // Written before it is first used, so that "ready" also means "on disk" unless the write failed.
            boolean written = write(store, file);
            if (origin == Origin.NONE) {
                origin = Origin.BUILT;
            }
            if (written) {
                failure = "";
            }
            return written;
        } catch (CancellationException e) {
            LOG.debug("event=index_build_cancelled segment={} field={}", segmentId, field);
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            failure = e.toString();
            LOG.error("event=index_build_failed segment={} field={} kind={} error={}", segmentId, field, spec.kind(),
                    e.toString(), e);
            return false;
        }
    }

    private boolean load(FieldVectors vectors, ObjectStore store, String file) {
        try {
            index = spec.kind().read(store, file, vectors, spec.metric());
            origin = Origin.LOADED;
            LOG.info("event=index_loaded segment={} field={} kind={} rows={}", segmentId, field, spec.kind(), rows);
            return true;
        } catch (CorruptIndexException e) {
            LOG.warn("event=index_file_rejected segment={} field={} error={} action=rebuild", segmentId, field,
                    e.getMessage());
        } catch (StorageException e) {
            if (e.errorCode() != ErrorCode.STORAGE_NOT_FOUND) {
                LOG.warn("event=index_file_unreadable segment={} field={} error={} action=rebuild", segmentId, field,
                        e.getMessage());
            }
        }
        return false;
    }

    private void build(FieldVectors vectors, int threads) {
        BuildProgress progress = (done, total) -> {
            if (cancelled) {
                throw new CancellationException("index of segment " + segmentId + " is no longer needed");
            }
            indexedRows = done;
        };
        index = spec.kind().build(vectors, spec.metric(), spec.params(), threads, progress);
    }

    /** Whether the file was written; when not, the index in memory is still fine, and the write is tried again. */
    private boolean write(ObjectStore store, String file) {
        try {
            index.write(store, file);
            return true;
        } catch (StorageException e) {
            failure = e.toString();
            LOG.warn("event=index_write_failed segment={} field={} error={}", segmentId, field, e.toString());
            return false;
        }
    }

    /** The index once built or loaded; null before. */
    VectorIndex index() {
        return index;
    }

    /** The column in the finished index's scan order, for the segment to keep instead of its own (if any). */
    Optional<? extends FieldVectors> arrangedColumn() {
        VectorIndex finished = index;
        return finished == null || !ready() || cancelled ? Optional.empty() : finished.arrangedColumn();
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        return index.search(query, k, params, filter);
    }

    @Override
    public List<SearchHit> search(SparseVector query, int k, SearchParams params, OrdinalFilter filter,
                                  float floor) {
        return index.search(query, k, params, filter, floor);
    }

    @Override
    public List<SearchHit> search(byte[] query, int k, SearchParams params, OrdinalFilter filter) {
        return index.search(query, k, params, filter);
    }

    @Override
    public List<SearchHit> searchTermWeighted(SparseVector weights, dev.vectorvault.index.TermScorer scorer, int k,
                                              OrdinalFilter filter, float floor) {
        return index.searchTermWeighted(weights, scorer, k, filter, floor);
    }
}
