package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * Exact (brute-force) search over a {@link VectorColumn}: every candidate ordinal is scored, so recall is 1 by
 * construction. This is Milvus's FLAT index and the oracle that approximate indexes are tested against.
 *
 * <p>Results are best first in the metric's direction ({@link MetricType}); equal scores are ordered by smaller
 * ordinal, so a search is deterministic. Each search sees the ordinals that existed when it started and never later
 * ones (see {@link VectorColumn}); an ordinal bound ({@code limit}) above that size is clamped to it.
 *
 * <p>Batch searches cut the ordinal range into one contiguous slice per unit of parallelism, scan each slice on the
 * executor (the calling thread takes the first one), then merge the per-slice top-k lists. Inside a slice the vectors
 * are walked in blocks of about 128 KiB and every query of the batch is scored against a block while it is still in
 * the L2 cache. One query at a time is memory-bound (0.5 FLOP per byte read); reusing each block for the whole batch
 * is what makes batches cheaper than the same queries sent one by one.
 *
 * <p>A {@linkplain VectorColumn#stored stored} column (its vectors in the segment file) is scanned on the calling
 * thread a file window of rows at a time, all queries against each window, never loaded whole: a range search or an
 * exhaustive group-by on a field that a quantized index serves then holds one window per search, not the segment.
 *
 * <p>Thread-safe: any number of searches may run concurrently with each other and with appends to the column.
 */
public final class FlatIndex {
    /** Block size of the batch loop, in floats; 128 KiB fits the L2 cache of every current server core. */
    private static final int BLOCK_FLOATS = 1 << 15;
    /** Slices shorter than this are not worth a task hand-off. */
    private static final int MIN_SLICE_VECTORS = 4096;

    private final VectorColumn vectors;
    private final MetricType metric;
    private final KernelPath kernels;

    /** An index over {@code vectors}; it holds no copy, so it sees every later append. */
    public FlatIndex(VectorColumn vectors, MetricType metric) {
        this(vectors, metric, true);
    }

    /** With {@code useVectorApi = false} every score comes from the scalar kernels; tests and benchmarks compare. */
    FlatIndex(VectorColumn vectors, MetricType metric, boolean useVectorApi) {
        if (vectors == null || metric == null) {
            throw new IllegalArgumentException("vectors and metric are required");
        }
        this.vectors = vectors;
        this.metric = metric;
        this.kernels = useVectorApi ? KernelPath.AUTO : KernelPath.SCALAR;
    }

    public MetricType metric() {
        return metric;
    }

    /**
     * Exact top-k over the ordinals in {@code [0, limit)} that {@code filter} accepts, computed on the calling thread.
     *
     * @param query  {@code dim} finite floats
     * @param k      at least 1; fewer hits come back when fewer ordinals qualify
     * @param limit  exclusive upper bound on ordinals, at least 0 ({@code Integer.MAX_VALUE} for "all")
     * @param filter {@link OrdinalFilter#ACCEPT_ALL} when nothing is excluded
     * @return at most {@code k} hits, best first, ties by smaller ordinal; unmodifiable
     * @throws IllegalArgumentException on a wrong dimension, a non-finite component, {@code k < 1} or {@code limit < 0}
     */
    public List<SearchHit> search(float[] query, int k, int limit, OrdinalFilter filter) {
        return run(new float[][] {query}, k, limit, filter, ScoreRange.UNBOUNDED, Runnable::run, 1).get(0);
    }

    /**
     * Milvus range search: {@link #search} restricted to scores in the window {@code range_filter <= d < radius} for
     * L2, or {@code radius < s <= range_filter} for IP and COSINE. Pass {@code Float.NaN} for an absent bound.
     *
     * @throws IllegalArgumentException as {@link #search}, or when both bounds are given and the window is empty
     */
    public List<SearchHit> rangeSearch(float[] query, int k, int limit, OrdinalFilter filter, float radius,
            float rangeFilter) {
        ScoreRange range = ScoreRange.of(metric, radius, rangeFilter);
        return run(new float[][] {query}, k, limit, filter, range, Runnable::run, 1).get(0);
    }

    /**
     * {@link #search} for several queries at once, as Milvus's {@code nq}, on up to {@code parallelism} threads: the
     * calling thread plus {@code parallelism - 1} tasks handed to {@code executor}. Use
     * {@code Runtime.getRuntime().availableProcessors()} and a pool of that many threads to use every core; one query
     * is enough to keep them all busy because the work is split by ordinal, not by query. The calling thread blocks
     * until all slices are done, so it must not be a thread of a bounded {@code executor} that the slices need.
     * {@code filter} is then called from several threads at once.
     *
     * @return one hit list per query, in query order
     * @throws CancellationException if the calling thread is interrupted while waiting (the flag is restored)
     */
    public List<List<SearchHit>> searchBatch(float[][] queries, int k, int limit, OrdinalFilter filter,
            Executor executor, int parallelism) {
        return run(queries, k, limit, filter, ScoreRange.UNBOUNDED, executor, parallelism);
    }

    /** {@link #rangeSearch} for several queries, parallel as {@link #searchBatch}. */
    public List<List<SearchHit>> rangeSearchBatch(float[][] queries, int k, int limit, OrdinalFilter filter,
            float radius, float rangeFilter, Executor executor, int parallelism) {
        return run(queries, k, limit, filter, ScoreRange.of(metric, radius, rangeFilter), executor, parallelism);
    }

    private List<List<SearchHit>> run(float[][] queries, int k, int limit, OrdinalFilter filter, ScoreRange range,
            Executor executor, int parallelism) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (filter == null || executor == null || queries == null) {
            throw new IllegalArgumentException("queries, filter and executor are required");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        float[] queryNorms = new float[queries.length];
        for (int q = 0; q < queries.length; q++) {
            VectorColumn.requireVector(queries[q], vectors.dim(), "query " + q);
            queryNorms[q] = DistanceKernels.norm(queries[q], 0, vectors.dim());
        }
        BitSet candidates = filter.candidates();
        if (!vectors.resident()) {
            // The vectors are in the segment's file. A few candidates are read one by one; more, and the file is
            // read a window at a time (a positional read per vector costs about what a window's sequential read
            // costs per eight vectors). FLOAT32 reads back bit for bit, so both give the resident scan's scores.
            int end = Math.min(limit, vectors.size());
            if (candidates != null && vectors.encoding() == VectorEncoding.FLOAT32
                    && (long) candidates.cardinality() * 8 < end) {
                return collect(scanStoredCandidates(queries, queryNorms, candidates, limit, k, filter, range));
            }
            return collect(scanStored(queries, queryNorms, k, limit, filter, range));
        }
        VectorColumn.View view = vectors.view();
        if (candidates != null && (parallelism == 1 || candidates.cardinality() < MIN_SLICE_VECTORS)) {
            return collect(scanCandidates(view, queries, queryNorms, candidates, limit, k, filter, range));
        }
        // Slots are scanned in order. In an arranged column the ordinals below the limit are anywhere, so every
        // slot is scanned and the limit becomes part of the filter.
        int end = view.ordinalAt == null ? Math.min(limit, view.size) : view.size;
        if (view.ordinalAt != null && limit < view.size) {
            OrdinalFilter given = filter;
            filter = ordinal -> ordinal < limit && given.accept(ordinal);
        }
        int slices = (int) Math.max(1, Math.min(parallelism, (long) end / MIN_SLICE_VECTORS));
        TopK[][] partial = scanSlices(view, queries, queryNorms, end, slices, k, filter, range, executor);

        List<List<SearchHit>> results = new ArrayList<>(queries.length);
        for (int q = 0; q < queries.length; q++) {
            TopK merged = partial[0][q];
            if (slices > 1) {
                merged = TopK.forMetric(metric, Math.min(k, end));
                for (TopK[] slice : partial) {
                    slice[q].offerAllTo(merged);
                }
            }
            results.add(merged.drainBestFirst());
        }
        return results;
    }

    /**
     * The exact scan of a {@linkplain VectorColumn#stored stored} column (a field a quantized index serves, whose
     * vectors stay in the segment file): one window of rows at a time, on the calling thread, every query scored
     * against a window while it is held. The same scores and the same ties as a scan of the resident column (the
     * window is such a column, ordinals shifted by its first), so the hits are those of the resident path; memory is
     * one window, not the segment's column.
     */
    private TopK[] scanStored(float[][] queries, float[] queryNorms, int k, int limit, OrdinalFilter filter,
            ScoreRange range) {
        int end = Math.min(limit, vectors.size());
        TopK[] tops = newTops(queries.length, k, end);
        vectors.scanStored(end, (first, rows) -> {
            VectorColumn.View window = rows.view();
            scanInto(window, first, queries, queryNorms, 0, window.size, filter, range, tops);
        });
        return tops;
    }

    private static List<List<SearchHit>> collect(TopK[] tops) {
        List<List<SearchHit>> results = new ArrayList<>(tops.length);
        for (TopK top : tops) {
            results.add(top.drainBestFirst());
        }
        return results;
    }

    /**
     * Top-k per query over the set bits of {@code candidates} below {@code limit} that {@code filter} accepts, each
     * vector scored against every query while it is in cache: the work is the candidates', not the column's.
     */
    private TopK[] scanCandidates(VectorColumn.View view, float[][] queries, float[] queryNorms, BitSet candidates,
            int limit, int k, OrdinalFilter filter, ScoreRange range) {
        int end = Math.min(limit, view.size);
        TopK[] tops = newTops(queries.length, k, end);
        for (int ordinal = candidates.nextSetBit(0); ordinal >= 0 && ordinal < end;
                ordinal = ordinal + 1 < end ? candidates.nextSetBit(ordinal + 1) : -1) {
            if (!filter.accept(ordinal)) {
                continue;
            }
            int slot = view.slot(ordinal);
            for (int q = 0; q < queries.length; q++) {
                float score = view.vectors == null ? metric.score(kernels, queries[q], queryNorms[q], view, slot)
                        : metric.score(kernels, queries[q], queryNorms[q], view.vectors[slot >>> view.chunkShift],
                                (slot & view.chunkMask) * view.dim, view.normAt(slot), view.dim);
                if (range.accepts(score)) {
                    tops[q].offer(ordinal, score);
                }
            }
        }
        return tops;
    }

    /** {@link #scanCandidates} over a FLOAT32 column whose vectors are in the segment's file: one read per candidate. */
    private TopK[] scanStoredCandidates(float[][] queries, float[] queryNorms, BitSet candidates, int limit, int k,
            OrdinalFilter filter, ScoreRange range) {
        int end = Math.min(limit, vectors.size());
        int dim = vectors.dim();
        TopK[] tops = newTops(queries.length, k, end);
        float[] vector = new float[dim];
        for (int ordinal = candidates.nextSetBit(0); ordinal >= 0 && ordinal < end;
                ordinal = ordinal + 1 < end ? candidates.nextSetBit(ordinal + 1) : -1) {
            if (!filter.accept(ordinal)) {
                continue;
            }
            vectors.copyTo(ordinal, vector);
            float norm = DistanceKernels.norm(vector, 0, dim);
            for (int q = 0; q < queries.length; q++) {
                float score = metric.score(kernels, queries[q], queryNorms[q], vector, 0, norm, dim);
                if (range.accepts(score)) {
                    tops[q].offer(ordinal, score);
                }
            }
        }
        return tops;
    }

    private TopK[] newTops(int queries, int k, int end) {
        TopK[] tops = new TopK[queries];
        for (int q = 0; q < queries; q++) {
            tops[q] = TopK.forMetric(metric, Math.max(1, Math.min(k, end)));
        }
        return tops;
    }

    private TopK[][] scanSlices(VectorColumn.View view, float[][] queries, float[] queryNorms, int end, int slices,
            int k, OrdinalFilter filter, ScoreRange range, Executor executor) {
        TopK[][] partial = new TopK[slices][];
        if (slices == 1) {
            partial[0] = scanSlice(view, queries, queryNorms, 0, end, k, filter, range);
            return partial;
        }
        List<FutureTask<TopK[]>> tasks = new ArrayList<>(slices - 1);
        try {
            for (int s = 1; s < slices; s++) {
                int from = sliceStart(end, slices, s);
                int to = sliceStart(end, slices, s + 1);
                FutureTask<TopK[]> task =
                        new FutureTask<>(() -> scanSlice(view, queries, queryNorms, from, to, k, filter, range));
                tasks.add(task);
                executor.execute(task);
            }
            partial[0] = scanSlice(view, queries, queryNorms, 0, sliceStart(end, slices, 1), k, filter, range);
            for (int s = 1; s < slices; s++) {
                partial[s] = tasks.get(s - 1).get();
            }
            return partial;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("search interrupted while waiting for " + (slices - 1) + " slices");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("search slice failed", cause);
        } finally {
            // No-op for finished tasks; on failure it stops queued slices from burning CPU for nothing.
            for (FutureTask<TopK[]> task : tasks) {
                task.cancel(false);
            }
        }
    }

    private static int sliceStart(int end, int slices, int slice) {
        return (int) ((long) end * slice / slices);
    }

    /** Top-k per query over slots {@code [from, to)}, walking vectors block by block and queries within a block. */
    private TopK[] scanSlice(VectorColumn.View view, float[][] queries, float[] queryNorms, int from, int to, int k,
            OrdinalFilter filter, ScoreRange range) {
        TopK[] tops = new TopK[queries.length];
        for (int q = 0; q < queries.length; q++) {
            tops[q] = TopK.forMetric(metric, Math.min(k, to - from));
        }
        scanInto(view, 0, queries, queryNorms, from, to, filter, range, tops);
        return tops;
    }

    /**
     * Offers slots {@code [from, to)} of {@code view} to {@code tops} (one per query), slot {@code s} as ordinal
     * {@code base + } its ordinal in the view: 0 for a column, a window's first ordinal for a window of a stored one.
     */
    private void scanInto(VectorColumn.View view, int base, float[][] queries, float[] queryNorms, int from, int to,
            OrdinalFilter filter, ScoreRange range, TopK[] tops) {
        int blockVectors = Math.max(1, BLOCK_FLOATS / view.dim);
        // Evaluated once per ordinal per block rather than once per (ordinal, query): filters can be costly.
        boolean[] accepted = filter == OrdinalFilter.ACCEPT_ALL ? null : new boolean[blockVectors];
        int start = from;
        while (start < to) {
            long chunkEnd = ((long) (start >>> view.chunkShift) + 1) << view.chunkShift;
            int blockEnd = (int) Math.min(Math.min(to, (long) start + blockVectors), chunkEnd);
            if (accepted == null || markAccepted(filter, view, base, start, blockEnd, accepted)) {
                for (int q = 0; q < queries.length; q++) {
                    scanBlock(view, base, queries[q], queryNorms[q], start, blockEnd, accepted, range, tops[q]);
                }
            }
            start = blockEnd;
        }
    }

    /** Fills {@code accepted[0, to - from)} for slots {@code [from, to)}; false when the filter rejects them all. */
    private static boolean markAccepted(OrdinalFilter filter, VectorColumn.View view, int base, int from, int to,
            boolean[] accepted) {
        boolean any = false;
        for (int slot = from; slot < to; slot++) {
            boolean accept = filter.accept(base + view.ordinalAt(slot));
            accepted[slot - from] = accept;
            any |= accept;
        }
        return any;
    }

    /** The hot loop: slots {@code [start, end)} lie within one chunk; no allocation per candidate. */
    private void scanBlock(VectorColumn.View view, int base, float[] query, float queryNorm, int start, int end,
            boolean[] accepted, ScoreRange range, TopK top) {
        if (view.vectors == null) {
            scanNarrowBlock(view, base, query, queryNorm, start, end, accepted, range, top);
            return;
        }
        int dim = view.dim;
        int chunk = start >>> view.chunkShift;
        float[] data = view.vectors[chunk];
        float[] norms = view.norms[chunk];
        int[] ordinalAt = view.ordinalAt;
        int at = start & view.chunkMask;
        for (int slot = start; slot < end; slot++, at++) {
            if (accepted != null && !accepted[slot - start]) {
                continue;
            }
            float score = metric.score(kernels, query, queryNorm, data, at * dim, norms[at], dim);
            if (range.accepts(score)) {
                top.offer(base + (ordinalAt == null ? slot : ordinalAt[slot]), score);
            }
        }
    }

    /**
     * {@link #scanBlock} over a column of float16, bfloat16 or int8 components, widened by the kernels as they are
     * read. A loop of its own so that the float32 loop above keeps its array-at-a-time form.
     */
    private void scanNarrowBlock(VectorColumn.View view, int base, float[] query, float queryNorm, int start, int end,
            boolean[] accepted, ScoreRange range, TopK top) {
        int[] ordinalAt = view.ordinalAt;
        for (int slot = start; slot < end; slot++) {
            if (accepted != null && !accepted[slot - start]) {
                continue;
            }
            float score = metric.score(kernels, query, queryNorm, view, slot);
            if (range.accepts(score)) {
                top.offer(base + (ordinalAt == null ? slot : ordinalAt[slot]), score);
            }
        }
    }
}
