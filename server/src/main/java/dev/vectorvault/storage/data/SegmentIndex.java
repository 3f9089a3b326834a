package dev.vectorvault.storage.data;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.FieldVectors;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.TermScorer;
import dev.vectorvault.index.VectorIndex;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The approximate index of one sealed segment's vector field through its life ({@link SegmentFieldIndex}): searches
 * use it only once {@link #ready()}; until then the segment is searched exactly. Builds report their progress, so
 * DescribeIndex can count indexed rows while one runs.
 */
final class SegmentIndex extends SegmentFieldIndex<FieldVectors, VectorIndex> implements AnnIndex {
    final VectorIndexSpec spec;
    private final int threads;
    private volatile long indexedRows;
    /** Whether letting the segment store this field's vectors was tried already (once per index is enough). */
    private final AtomicBoolean vectorReleaseClaimed = new AtomicBoolean();

    /** An index of {@code spec} over the segment's field, built with up to {@code threads} threads. */
    SegmentIndex(VectorIndexSpec spec, long segmentId, int field, int rows, int threads) {
        super(segmentId, field, rows);
        this.spec = spec;
        this.threads = threads;
    }

    /**
     * Rows of the segment already in the index; all of them only once it is ready (built and written, or loaded),
     * so "nothing pending" always means "searched through the index".
     */
    long indexedRows() {
        return ready() ? rows : Math.min(indexedRows, rows - 1L);
    }

    /**
     * True the first time it is asked for a ready index that reads only codes: the caller then tries to let the
     * segment store this field's vectors ({@link IndexMaintenance}); false afterwards, or for any other index.
     */
    boolean claimVectorRelease() {
        VectorIndex finished = index();
        return finished != null && finished.readsOnlyCodes() && vectorReleaseClaimed.compareAndSet(false, true);
    }

    @Override
    VectorIndex build(FieldVectors vectors) {
        BuildProgress progress = (done, total) -> {
            if (cancelled()) {
                throw new CancellationException("index of segment " + segmentId + " is no longer needed");
            }
            indexedRows = done;
        };
        return spec.kind().build(vectors, spec.metric(), spec.params(), threads, progress);
    }

    @Override
    void write(VectorIndex built, ObjectStore store, String file) {
        built.write(store, file);
    }

    @Override
    VectorIndex read(ObjectStore store, String file, FieldVectors vectors) {
        return spec.kind().read(store, file, vectors, spec.metric());
    }

    @Override
    String event() {
        return "index";
    }

    @Override
    String definition() {
        return "kind=" + spec.kind();
    }

    @Override
    String describe(VectorIndex built) {
        return "";
    }

    @Override
    boolean heldBy(Segment segment) {
        return segment.annIndex(field) == this;
    }

    /** The column in the finished index's scan order, for the segment to keep instead of its own (if any). */
    Optional<? extends FieldVectors> arrangedColumn() {
        VectorIndex finished = index();
        return finished == null ? Optional.empty() : finished.arrangedColumn();
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        return held().search(query, k, params, filter);
    }

    @Override
    public List<SearchHit> search(SparseVector query, int k, SearchParams params, OrdinalFilter filter,
                                  float floor) {
        return held().search(query, k, params, filter, floor);
    }

    @Override
    public List<SearchHit> search(byte[] query, int k, SearchParams params, OrdinalFilter filter) {
        return held().search(query, k, params, filter);
    }

    @Override
    public boolean scoresExactly() {
        return held().scoresExactly();
    }

    @Override
    public List<SearchHit> searchTermWeighted(SparseVector weights, TermScorer scorer, int k,
                                              OrdinalFilter filter, float floor) {
        return held().searchTermWeighted(weights, scorer, k, filter, floor);
    }
}
