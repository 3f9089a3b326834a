package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.TopK;
import dev.vectorvault.index.VectorColumn;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.expr.FilterExpression;
import dev.vectorvault.query.expr.RowSelection;
import dev.vectorvault.storage.data.AnnIndex;
import dev.vectorvault.storage.data.CollectionView;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * One vector search checked against its collection (field, index, metric, limits, group-by, range, filter,
 * partitions, index search parameters) and ready to run over a view, one query at a time. Search runs it once; a
 * hybrid search runs one per sub-request over the same view. Runs per segment, then the per-segment winners are
 * merged: a sealed segment whose approximate index (HNSW, IVF_FLAT) is ready is searched through it, with deletes,
 * partitions and the filter applied inside the index search; every other segment (growing, small, or still being
 * indexed) and every range search is exact (FLAT). Where scalar indexes answer the filter, a segment's rows to search
 * are a bit set: exact searches visit only its rows, and an index search gives way to an exact one when it is small.
 */
final class PreparedSearch {
    final FieldSchema field;
    final int fieldIndex;
    final MetricType metric;
    final PartitionSet partitions;
    private final List<FieldSchema> fields;
    private final SearchParams searchParams;
    private final FilterExpression filter;
    private final boolean range;
    private final float radius;
    private final float rangeFilter;
    private final GroupBy groupBy;
    final FieldSchema groupField;
    final int groupFieldIndex;
    private final int topK;
    private final int offset;
    /** The full-text side of a search on a BM25 function's output field; null for any other search. */
    private final Bm25Search bm25;

    /**
     * Checks {@code request} against {@code collection} for {@code nq} queries: everything but the query vectors of a
     * search by IDs (read later) and the output fields (the caller's). {@code request.queries()} are checked when
     * given.
     */
    PreparedSearch(Collection collection, SearchRequest request, int nq, ServerConfig.SearchLimits limits,
                   ExpressionLimits filterLimits) {
        boolean byKeys = request.primaryKeys() != null;
        this.fields = collection.schema().fields();
        this.field = vectorField(collection, request.annsField(), byKeys);
        collection.loadedFields().requireSearched(field); // before its index: a field left out may have none
        IndexDefinition index = collection.indexOnField(field.name()).orElseThrow();
        this.metric = index.metric().orElseThrow();
        IndexKind kind = index.kind().orElseThrow();
        if (!request.metric().allows(metric)) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, "metric type not match: invalid parameter[expected="
                    + metric.wireName() + "][actual=" + request.metric().name() + "]");
        }
        limits.checkSearch(nq, request.topK(), request.offset());
        this.range = !Float.isNaN(request.radius()) || !Float.isNaN(request.rangeFilter());
        this.groupBy = request.groupBy();
        FieldSchema grouped = null;
        if (groupBy != null) {
            if (range) {
                throw MilvusException.invalidParameter("Not allowed to do range-search when doing search-group-by");
            }
            groupBy.checkSize(limits.maxGroupSize());
            grouped = groupBy.resolve(collection.schema());
            collection.loadedFields().requireGroupBy(grouped);
        }
        this.groupField = grouped;
        this.groupFieldIndex = grouped == null ? -1 : fields.indexOf(grouped);
        var function = collection.schema().bm25Producing(field.name());
        if (function.isPresent()) {
            if (byKeys) {
                throw MilvusException.invalidParameter("search by primary keys is not supported on field "
                        + field.name() + ", the output of BM25 function " + function.get().name());
            }
            if (request.queries().length > 0 || !request.sparseQueries().isEmpty()) {
                throw MilvusException.invalidParameter("please provide varchar/text for BM25 Function based search,"
                        + " got " + (request.queries().length > 0 ? "FloatVector" : "SparseFloatVector"));
            }
            this.bm25 = Bm25Search.prepare(collection, function.get(), index, request.searchParams(),
                    request.texts());
        } else if (!request.texts().isEmpty()) {
            throw MilvusException.invalidParameter("vector type must be the same: field type "
                    + (field.dataType().isSparseVector() ? "SparseFloatVector" : "FloatVector")
                    + ", search type VarChar (raw text is searched on the output field of a BM25 function)");
        } else {
            this.bm25 = null;
        }
        boolean binaryField = field.dataType().isBinaryVector();
        if (binaryField != !request.binaryQueries().isEmpty() && request.queryCount() > 0) {
            String searched = !request.binaryQueries().isEmpty() ? "BinaryVector"
                    : !request.sparseQueries().isEmpty() ? "SparseFloatVector"
                    : !request.texts().isEmpty() ? "VarChar" : "FloatVector";
            throw MilvusException.invalidParameter("vector type must be the same: field type "
                    + GroupBy.wireTypeName(field) + ", search type " + searched);
        }
        for (byte[] bits : request.binaryQueries()) {
            if (bits.length * 8 != field.dim()) {
                throw MilvusException.invalidParameter("vector dimension mismatch, expected vector size(byte) "
                        + field.dim() / 8 + ", actual " + bits.length);
            }
        }
        if (function.isEmpty() && (field.dataType().isSparseVector() ? request.queries().length > 0
                : !request.sparseQueries().isEmpty())) {
            throw MilvusException.invalidParameter("vector type must be the same: field type "
                    + (field.dataType().isSparseVector() ? "SparseFloatVector, search type FloatVector"
                    : "FloatVector, search type SparseFloatVector"));
        }
        for (float[] q : request.queries()) {
            checkQueryVector(field, q);
        }
        this.filter = Filters.parse(collection, request.filter(), request.templates(), filterLimits);
        this.partitions = ReadPartitions.of(collection, request.partitions(), filter, true);
        this.fieldIndex = fields.indexOf(field);
        this.radius = request.radius();
        this.rangeFilter = request.rangeFilter();
        this.topK = request.topK();
        this.offset = request.offset();
        if (!Float.isNaN(radius) && !Float.isNaN(rangeFilter)) {
            // Checked here, not left to the index: it would throw only when a segment exists, and not as 1100.
            boolean ordered = metric.higherIsBetter() ? rangeFilter > radius : rangeFilter < radius;
            if (!ordered) {
                throw MilvusException.invalidParameter("range_filter must be " + (metric.higherIsBetter()
                        ? "greater" : "less") + " than radius for " + metric + ": range_filter=" + rangeFilter
                        + " radius=" + radius);
            }
        }
        this.searchParams = IndexKinds.parseSearch(kind, request.searchParams(), topK + offset);
    }

    /** This search over {@code view}: the per-segment row tests are built once, then any number of queries run. */
    Run start(CollectionView view, Filters.RowCursor cursor) {
        return new Run(view, cursor);
    }

    final class Run {
        private final CollectionView view;
        private final SegmentSearch segments;
        /** BM25's N, avgdl and n_t over this view (full-text searches only). */
        private final Bm25Search.Statistics statistics;

        /** Per segment, the rows its scalar indexes leave for the filter (null: scanned), shared by sibling runs. */
        private final RowSelection[] selections;

        private Run(CollectionView view, Filters.RowCursor cursor) {
            this(view, cursor, selections(view, cursor), null);
        }

        private Run(CollectionView view, Filters.RowCursor cursor, RowSelection[] selections,
                    Bm25Search.Statistics statistics) {
            this.view = view;
            this.selections = selections;
            boolean noFilter = filter == FilterExpression.alwaysTrue();
            OrdinalFilter[] accepts = new OrdinalFilter[view.segmentCount()];
            for (int s = 0; s < accepts.length; s++) {
                accepts[s] = acceptFor(view, s, partitions, noFilter, filter, selections[s], cursor);
            }
            this.segments = new SegmentSearch(view, fieldIndex, metric, searchParams, accepts, range, radius,
                    rangeFilter);
            this.statistics = statistics != null || bm25 == null ? statistics : bm25.statistics(view, fieldIndex);
        }

        /**
         * Another run of this search over the same view for another thread, with its own row cursor: the filter's
         * per-segment bit sets (and BM25's statistics) are this run's, not evaluated again.
         */
        Run sibling(Filters.RowCursor cursor) {
            return new Run(view, cursor, selections, statistics);
        }

        /**
         * One query's page: {@code [offset, offset + topK)} of the best hits, or for a group-by search the hits of
         * the returned groups, group after group. A null query (search by IDs of a row whose vector is null) has no
         * hits, as in Milvus. {@code query} is a {@code float[]}, a {@link SparseVector} for a sparse field, or the
         * packed bits ({@code byte[]}) for a binary field.
         */
        List<Candidate> page(Object query) {
            if (query == null) {
                return List.of();
            }
            if (query instanceof String text) {
                query = bm25.query(text, statistics);
                if (query == null) {
                    return List.of(); // no tokens stored: Milvus answers no hits
                }
            }
            int window = topK + offset;
            if (groupBy == null) {
                List<Candidate> best = segments.candidates(query, window, false).best();
                return best.subList(Math.min(offset, best.size()), Math.min(window, best.size()));
            }
            List<Candidate> page = new ArrayList<>();
            for (List<Candidate> group : grouped(query).groups()) {
                page.addAll(group);
            }
            return page;
        }

        /** The group value of a hit (group-by searches only). */
        Object groupValue(Candidate c) {
            return view.value(c.segment(), groupFieldIndex, c.ordinal());
        }

        /**
         * One query's groups. The candidate search widens until the answer is settled: it starts at
         * {@code (offset + limit) x group_size} hits per segment and multiplies that by 4 until the groups are
         * complete ({@link GroupedHits#complete()}) or every segment is exhausted (it returned fewer hits than asked,
         * or was asked for at least its size). Only the trusted prefix of the merged candidates is grouped: the hits
         * at least as good as the last hit of every segment that may hold more, since an unseen row of such a segment
         * could rank before any later candidate (and open a group first). A segment searched through an approximate
         * index that returns fewer hits than asked is searched exactly from then on, so a sparse group is not lost to
         * the index's beam or probes.
         */
        private GroupedHits<Candidate> grouped(Object query) {
            long k = (long) (topK + offset) * groupBy.groupSize();
            while (true) {
                Candidates found = segments.candidates(query, (int) Math.min(k, Integer.MAX_VALUE), true);
                GroupedHits<Candidate> groups = GroupedHits.reduce(found.best().subList(0, found.trusted()),
                        this::groupValue, offset, topK, groupBy);
                if (groups.complete() || !found.more()) {
                    return groups;
                }
                k *= 4;
            }
        }
    }

    /** A hit: a row of the view (segment, ordinal) and its score. */
    record Candidate(int segment, int ordinal, float score) {}

    /**
     * Merged hits, best first.
     *
     * @param more    whether some segment may hold accepted rows beyond those returned
     * @param trusted how many leading hits no unseen row can rank before (all of them when nothing is left)
     */
    private record Candidates(List<Candidate> best, boolean more, int trusted) {}

    /** The per-segment searches of one request, merged best first. */
    private static final class SegmentSearch {
        /** knowhere's kHnswSearchKnnBFFilterThreshold: the share of filtered-out rows from which HNSW brute-forces. */
        private static final double BRUTE_FORCE_FILTERED = 0.93;
        /** knowhere's kHnswSearchBFTopkThreshold: brute force when k is at least this share of the rows left. */
        private static final double BRUTE_FORCE_TOP_K = 0.5;

        private final CollectionView view;
        private final int fieldIndex;
        private final MetricType metric;
        private final SearchParams params;
        private final OrdinalFilter[] accepts;
        private final boolean range;
        private final float radius;
        private final float rangeFilter;
        /** Segments whose approximate index came up short once: searched exactly from then on. */
        private final boolean[] exact;

        SegmentSearch(CollectionView view, int fieldIndex, MetricType metric, SearchParams params,
                      OrdinalFilter[] accepts, boolean range, float radius, float rangeFilter) {
            this.view = view;
            this.fieldIndex = fieldIndex;
            this.metric = metric;
            this.params = params;
            this.accepts = accepts;
            this.range = range;
            this.radius = radius;
            this.rangeFilter = rangeFilter;
            this.exact = new boolean[view.segmentCount()];
        }

        /**
         * The {@code k} best hits of every segment, merged. With {@code exhaustive}, an approximate index that
         * returns fewer than {@code k} hits is replaced by an exact search of its segment (for this and every later
         * call), so that "fewer than asked" always means "nothing more is there".
         *
         * <p>Without {@code exhaustive} only the first {@code k} merged hits are used, so a full-text or sparse
         * search carries a floor from segment to segment: the k-th best score of the segments searched so far. The
         * merge keeps segment order among equal scores, so a later row scoring at or below it would come after
         * those k hits; the next segment's search leaves such rows out and prunes from the floor instead of
         * starting with an empty heap. The first k merged hits are the same as without it (a segment's rows above
         * the floor come back as they would without it). A group-by search ({@code exhaustive}) reads past the
         * first k and its {@link Candidates#more()} and {@link Candidates#trusted()} need every segment's own top
         * k, so it carries none.
         */
        Candidates candidates(Object query, int k, boolean exhaustive) {
            List<Candidate> best = new ArrayList<>();
            boolean more = false;
            boolean higherIsBetter = metric.higherIsBetter();
            float bound = higherIsBetter ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            TopK kth = !exhaustive && higherIsBetter
                    && (query instanceof Bm25Search.Query || query instanceof SparseVector) ? TopK.largest(k) : null;
            float floor = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < view.segmentCount(); s++) {
                int segment = s;
                int size = view.segmentSize(segment);
                // A widened group-by search never asks a segment for more than all of it.
                int wanted = exhaustive ? Math.max(1, Math.min(k, size)) : k;
                AnnIndex ann = range || exact[s] ? null : view.annIndex(segment, fieldIndex);
                if (ann != null && !(query instanceof Bm25Search.Query) && bruteForce(segment, ann, wanted)) {
                    ann = null;
                }
                List<SearchHit> hits = null;
                if (ann != null && query instanceof Bm25Search.Query text) {
                    view.sparseVectors(segment, fieldIndex).releasePostings(); // the index answers from now on
                    hits = ann.searchTermWeighted(text.weights(), text.scorer(), wanted, accepts[s], floor);
                } else if (ann != null) {
                    hits = query instanceof SparseVector sparse
                            ? ann.search(sparse, wanted, params, accepts[s], floor)
                            : query instanceof byte[] bits ? ann.search(bits, wanted, params, accepts[s])
                            : ann.search((float[]) query, wanted, params, accepts[s]);
                    if (exhaustive && hits.size() < wanted) {
                        exact[s] = true;
                        hits = null;
                    }
                }
                if (hits == null && query instanceof Bm25Search.Query text) {
                    hits = view.sparseVectors(segment, fieldIndex).searchTermWeighted(text.weights(), text.scorer(),
                            wanted, size, accepts[s], range ? radius : Float.NaN, range ? rangeFilter : Float.NaN,
                            floor);
                } else if (hits == null && query instanceof SparseVector sparse) {
                    hits = view.sparseVectors(segment, fieldIndex).search(sparse, wanted, size, accepts[s],
                            range ? radius : Float.NaN, range ? rangeFilter : Float.NaN);
                } else if (hits == null && query instanceof byte[] bits) {
                    hits = view.binaryVectors(segment, fieldIndex).search(bits, metric, wanted, size, accepts[s],
                            range ? radius : Float.NaN, range ? rangeFilter : Float.NaN);
                } else if (hits == null) {
                    FlatIndex flat = new FlatIndex(view.vectors(segment, fieldIndex), metric);
                    hits = range ? flat.rangeSearch((float[]) query, wanted, size, accepts[s], radius, rangeFilter)
                            : flat.search((float[]) query, wanted, size, accepts[s]);
                }
                if (!hits.isEmpty() && hits.size() >= k && k < size) {
                    more = true;
                    float last = hits.get(hits.size() - 1).score();
                    // Unseen rows of this segment score no better than its last hit.
                    bound = higherIsBetter ? Math.max(bound, last) : Math.min(bound, last);
                }
                hits.forEach(h -> best.add(new Candidate(segment, h.ordinal(), h.score())));
                if (kth != null) {
                    hits.forEach(h -> kth.offer(0, h.score()));
                    floor = kth.isFull() ? kth.worstScore() : floor;
                }
            }
            Comparator<Candidate> order = Comparator.comparingDouble(Candidate::score);
            best.sort(higherIsBetter ? order.reversed() : order);
            int trusted = best.size();
            if (more) {
                trusted = 0;
                while (trusted < best.size() && (higherIsBetter ? best.get(trusted).score() >= bound
                        : best.get(trusted).score() <= bound)) {
                    trusted++;
                }
            }
            return new Candidates(best, more, trusted);
        }

        /**
         * Whether a segment with an approximate index is better searched exactly over the rows its scalar indexes
         * left: knowhere's rule for HNSW (WhetherPerformBruteForceSearch), applied here to every index kind whose
         * scores are exact. It searches by brute force when the filter removes at least 93% of the segment, or when
         * {@code k} is at least half the rows left; a graph walk or a list probe would then reject almost every row
         * it reads and may come back with fewer than {@code k}. Quantized indexes keep their walk (their scores are
         * those of their codes), as do columns whose vectors are in the segment's file.
         */
        private boolean bruteForce(int segment, AnnIndex ann, int k) {
            BitSet candidates = accepts[segment].candidates();
            if (candidates == null || !ann.scoresExactly()) {
                return false;
            }
            VectorColumn dense = view.vectors(segment, fieldIndex);
            if (dense != null && !dense.resident()) {
                return false;
            }
            long left = candidates.cardinality();
            int size = view.segmentSize(segment);
            return left <= size * (1 - BRUTE_FORCE_FILTERED) || k >= left * BRUTE_FORCE_TOP_K;
        }
    }

    /** Per segment, the rows {@code filter}'s scalar indexes leave there; null where the segment is scanned. */
    private RowSelection[] selections(CollectionView view, Filters.RowCursor cursor) {
        RowSelection[] selected = new RowSelection[view.segmentCount()];
        if (filter != FilterExpression.alwaysTrue()) {
            for (int s = 0; s < selected.length; s++) {
                selected[s] = cursor.select(filter, s).orElse(null);
            }
        }
        return selected;
    }

    /**
     * The per-row test of one segment. The common case (no filter, every partition, no deletions in the segment)
     * tests nothing at all; otherwise the cheapest checks run first and nothing is boxed per row.
     */
    private static OrdinalFilter acceptFor(CollectionView view, int segment, PartitionSet partitions,
                                           boolean noFilter, FilterExpression filter, RowSelection selected,
                                           Filters.RowCursor cursor) {
        boolean noDeletes = view.deletedCount(segment) == 0;
        if (noFilter && noDeletes && partitions.all()) {
            return OrdinalFilter.ACCEPT_ALL;
        }
        if (selected != null) {
            // Pre-filtering from the segment's scalar indexes: an exact search visits only the bit set's rows, a
            // graph or list search skips every other row without reading it; deletions, partitions and (where the
            // indexes did not answer all of it) the filter are tested on the bit set's rows only.
            boolean exact = selected.exact();
            return OrdinalFilter.within(selected.rows(), ordinal -> (noDeletes || view.isLive(segment, ordinal))
                    && partitions.contains(view.partition(segment, ordinal))
                    && (exact || filter.test(cursor.at(segment, ordinal))));
        }
        return ordinal -> (noDeletes || view.isLive(segment, ordinal))
                && partitions.contains(view.partition(segment, ordinal))
                && (noFilter || filter.test(cursor.at(segment, ordinal)));
    }

    private static void checkQueryVector(FieldSchema field, float[] q) {
        if (q.length != field.dim()) {
            // Milvus counts bytes of the field's own type (2 per Float16 component, 1 per Int8 one).
            int width = field.dataType().encoding() == null ? 4 : field.dataType().encoding().bytesPerComponent();
            throw MilvusException.invalidParameter("vector dimension mismatch, expected vector size(byte) "
                    + field.dim() * width + ", actual " + q.length * width);
        }
        for (float component : q) {
            if (!Float.isFinite(component)) {
                throw MilvusException.invalidParameter("search vector holds " + component
                        + ", which is not a number or infinity");
            }
        }
    }

    private static FieldSchema vectorField(Collection collection, String annsField, boolean byKeys) {
        List<FieldSchema> vectors = collection.schema().vectorFields();
        if (annsField == null || annsField.isEmpty()) {
            if (vectors.size() != 1 && byKeys) {
                throw MilvusException.invalidParameter("multiple vector fields exist, please specify anns_field in"
                        + " search_params");
            }
            if (vectors.size() != 1) {
                throw MilvusException.invalidParameter("multiple anns_fields exist, please specify a anns_field"
                        + " in search_params");
            }
            return vectors.get(0);
        }
        return vectors.stream().filter(f -> f.name().equals(annsField)).findFirst().orElseThrow(() ->
                MilvusException.invalidParameter("failed to get field schema by name: fieldName(" + annsField
                        + ") not found"));
    }
}
