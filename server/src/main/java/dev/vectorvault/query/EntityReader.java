package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.expr.FilterExpression;
import dev.vectorvault.query.expr.RowSelection;
import dev.vectorvault.storage.data.CollectionView;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexProgress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Search, hybrid search and query over a loaded collection. Each reads one consistent view (every write acknowledged
 * before the call is visible: Strong consistency whatever the client asked for). A search is checked and run by a
 * {@link PreparedSearch}; a hybrid search runs one per sub-request over the same view and fuses them
 * ({@link RankFusion}).
 */
public final class EntityReader {
    public static final int MAX_TOP_K = 16_384;
    public static final long MAX_QUERY_WINDOW = 16_384;

    private final Catalog catalog;
    private final DataStore data;
    private final ExpressionLimits filterLimits;
    private final ServerConfig.SearchLimits limits;

    public EntityReader(Catalog catalog, DataStore data) {
        this(catalog, data, ServerConfig.SearchLimits.MILVUS_DEFAULTS, ExpressionLimits.DEFAULTS);
    }

    public EntityReader(Catalog catalog, DataStore data, ServerConfig.SearchLimits limits,
                        ExpressionLimits filterLimits) {
        this.catalog = catalog;
        this.data = data;
        this.limits = limits;
        this.filterLimits = filterLimits;
    }

    /** The nq / topk / result-window limits every search and query is held to. */
    public ServerConfig.SearchLimits limits() {
        return limits;
    }

    public ResultRows search(SearchRequest request) {
        return search(request, null);
    }

    /**
     * A search whose hits are highlighted by {@code highlighter} (null: none) once found, from the stored texts of
     * the highlighted fields ({@link Highlighting}).
     */
    public ResultRows search(SearchRequest request, LexicalHighlighter highlighter) {
        return search(request, highlighter, null);
    }

    /**
     * A search whose hits are reranked by {@code decay} (null: none) before highlighting. The request's {@code topK}
     * is then the number of hits the vector search finds per query (Milvus's limit + offset) and its
     * {@code offset} 0; {@link Rerank} says which of the reranked hits are kept.
     */
    public ResultRows search(SearchRequest request, LexicalHighlighter highlighter, Rerank decay) {
        Collection collection = loadedCollection(request.database(), request.collection());
        boolean byKeys = request.primaryKeys() != null;
        int nq = byKeys ? request.primaryKeys().size() : request.queryCount();
        if (decay != null) {
            limits.checkSearch(nq, decay.limit(), decay.offset()); // the client's window, before it is widened
        }
        PreparedSearch prepared = new PreparedSearch(collection, request, nq, limits, filterLimits);
        OutputFields output = OutputFields.resolve(collection.loadedFields(), request.outputFields(), true);
        Highlighting highlighting = Highlighting.prepare(collection, prepared, request, highlighter, limits);
        Object[] queries = byKeys ? storedVectors(collection, prepared.fieldIndex, prepared.partitions,
                request.primaryKeys()) : request.queryVectors();
        boolean[] copied = fieldsToCopy(collection, output);
        if (highlighting != null) {
            highlighting.read(copied); // the answer's columns stay those of the output fields
        }
        boolean grouping = request.groupBy() != null;
        return data.read(Layouts.of(collection), view -> {
            Filters.RowCursor cursor = new Filters.RowCursor(view, collection.schema().fields());
            List<Object[]> rows = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            List<Object> groupValues = grouping ? new ArrayList<>() : null;
            int[] perQuery = new int[queries.length];
            PreparedSearch.Run run = prepared.start(view, cursor);
            List<List<PreparedSearch.Candidate>> pages = pages(prepared, run, view, collection, queries, grouping);
            for (int q = 0; q < queries.length; q++) {
                List<PreparedSearch.Candidate> page = decay == null ? pages.get(q)
                        : reranked(pages.get(q), decay, prepared.metric, view, collection);
                for (PreparedSearch.Candidate c : page) {
                    rows.add(rowOf(view, c.segment(), c.ordinal(), copied));
                    scores.add(c.score());
                    if (grouping) {
                        groupValues.add(run.groupValue(c));
                    }
                }
                perQuery[q] = page.size();
            }
            List<FieldHighlights> highlights = highlighting == null ? List.of() : highlighting.apply(rows, perQuery);
            return new ResultRows(output, rows, toArray(scores), perQuery, rows.size(), primaryKeyIndex(collection),
                    prepared.groupField, groupValues, highlights);
        });
    }

    /**
     * Hybrid search: every sub-request runs as a search of its own over one view (with the hybrid search's
     * partitions and group-by, offset 0, its own {@code topK}), its scores rounded by its own {@code round_decimal},
     * then each query's lists are fused by the request's {@link Ranker} ({@link RankFusion}). Deduplicated by primary
     * key; a row's fields are read once, after fusion. The sub-requests run at once on {@link SearchWorkers} when
     * their work together is large enough ({@link SubSearches}); the answer is the same either way.
     */
    public ResultRows hybridSearch(HybridSearchRequest request) {
        return hybridSearch(request, 0);
    }

    /**
     * {@link #hybridSearch} with its sub-requests cut into {@code chunks} groups run at once, or 0 to decide by their
     * work: tests compare 1 (one after the other) with more.
     */
    ResultRows hybridSearch(HybridSearchRequest request, int chunks) {
        Collection collection = loadedCollection(request.database(), request.collection());
        List<HybridSearchRequest.SubRequest> subs = request.subRequests();
        if (subs.isEmpty()) {
            throw MilvusException.invalidParameter("minimum of ann search requests is 1");
        }
        if (subs.size() > HybridSearchRequest.MAX_SUB_REQUESTS) {
            throw MilvusException.invalidParameter("maximum of ann search requests is "
                    + HybridSearchRequest.MAX_SUB_REQUESTS);
        }
        long window = (long) request.limit() + request.offset();
        if (request.offset() < 0 || window <= 0 || window > limits.maxQueryResultWindow()) {
            throw MilvusException.invalidParameter("invalid max query result window, (offset+limit) should be in"
                    + " range [1, " + limits.maxQueryResultWindow() + "], but got " + window);
        }
        int nq = subs.get(0).search().queryCount();
        for (HybridSearchRequest.SubRequest sub : subs) {
            int subNq = sub.search().queryCount();
            if (subNq != nq) {
                throw MilvusException.invalidParameterAsIs("sub search request nq should be the same: invalid"
                        + " parameter[expected=" + nq + "][actual=" + subNq + "]");
            }
        }
        long entries = 0;
        for (HybridSearchRequest.SubRequest sub : subs) {
            entries += (long) nq * Math.max(0, sub.search().topK());
        }
        if (limits.maxResultEntries() > 0 && entries > limits.maxResultEntries()) {
            // The cost of a hybrid search is that of all its sub-requests together.
            throw MilvusException.invalidParameterAsIs("number of result entries is too large: the sub-requests of"
                    + " the hybrid search ask for " + entries + " in all (nq x topk summed), more than"
                    + " proxy.maxResultEntries [" + limits.maxResultEntries() + "]");
        }
        request.ranker().checkArity(subs.size());
        List<PreparedSearch> prepared = new ArrayList<>();
        List<MetricType> metrics = new ArrayList<>();
        for (HybridSearchRequest.SubRequest sub : subs) {
            SearchRequest s = sub.search();
            SearchRequest asRun = new SearchRequest(s.database(), s.collection(), request.partitions(),
                    s.annsField(), s.queries(), s.topK(), 0, s.filter(), s.templates(), List.of(), s.metric(),
                    s.radius(), s.rangeFilter(), s.searchParams(), request.groupBy(), null, s.sparseQueries(),
                    s.texts(), s.binaryQueries());
            PreparedSearch p = new PreparedSearch(collection, asRun, nq, limits, filterLimits);
            prepared.add(p);
            metrics.add(p.metric);
        }
        OutputFields output = OutputFields.resolve(collection.loadedFields(), request.outputFields(), true);
        boolean[] copied = fieldsToCopy(collection, output);
        int pk = primaryKeyIndex(collection);
        boolean grouping = request.groupBy() != null;
        return data.read(Layouts.of(collection), view -> {
            int groups = chunks > 0 ? Math.min(chunks, subs.size())
                    : SearchWorkers.chunks(subs.size(), subSearchWork(view, prepared, nq));
            List<List<List<RankFusion.Hit>>> perSub = SubSearches.run(subs.size(), nq, groups, i -> {
                PreparedSearch.Run run = prepared.get(i).start(view,
                        new Filters.RowCursor(view, collection.schema().fields()));
                Object[] queries = subs.get(i).search().queryVectors();
                int roundDecimal = subs.get(i).roundDecimal();
                return q -> {
                    List<RankFusion.Hit> list = new ArrayList<>();
                    for (PreparedSearch.Candidate c : run.page(queries[q])) {
                        list.add(new RankFusion.Hit(view.value(c.segment(), pk, c.ordinal()),
                                subScore(c.score(), roundDecimal), c.segment(), c.ordinal(),
                                grouping ? run.groupValue(c) : null));
                    }
                    return list;
                };
            });
            List<Object[]> rows = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            List<Object> groupValues = grouping ? new ArrayList<>() : null;
            int[] perQuery = new int[nq];
            for (int q = 0; q < nq; q++) {
                List<List<RankFusion.Hit>> lists = new ArrayList<>();
                for (List<List<RankFusion.Hit>> sub : perSub) {
                    lists.add(sub.get(q)); // in request order: the rankers weigh and tie-break by it
                }
                List<RankFusion.Hit> fused = RankFusion.fuse(request.ranker(), lists, metrics, request.limit(),
                        request.offset(), request.roundDecimal(), request.groupBy(), request.groupScorer());
                for (RankFusion.Hit hit : fused) {
                    rows.add(rowOf(view, hit.segment(), hit.ordinal(), copied));
                    scores.add(hit.score());
                    if (grouping) {
                        groupValues.add(hit.group());
                    }
                }
                perQuery[q] = fused.size();
            }
            return new ResultRows(output, rows, toArray(scores), perQuery, rows.size(), pk,
                    prepared.get(0).groupField, groupValues);
        });
    }

    /** A decay reranker and the window of its reranked hits kept per query. */
    public record Rerank(DecayRanker ranker, int offset, int limit) {}

    /** One query's hits reranked by the decay ranker, reading each hit's input field and primary key. */
    private static List<PreparedSearch.Candidate> reranked(List<PreparedSearch.Candidate> page, Rerank rerank,
                                                           MetricType metric, CollectionView view,
                                                           Collection collection) {
        List<FieldSchema> fields = collection.schema().fields();
        int input = fields.indexOf(collection.schema().field(rerank.ranker().field()).orElseThrow());
        int pk = primaryKeyIndex(collection);
        List<RankFusion.Hit> hits = new ArrayList<>(page.size());
        double[] values = new double[page.size()];
        for (int i = 0; i < page.size(); i++) {
            PreparedSearch.Candidate c = page.get(i);
            hits.add(new RankFusion.Hit(view.value(c.segment(), pk, c.ordinal()), c.score(), c.segment(),
                    c.ordinal(), null));
            Object value = view.value(c.segment(), input, c.ordinal());
            if (!(value instanceof Number number)) {
                // Not loaded (partial load): Milvus fails the same way when the field is missing from the hits.
                throw MilvusException.invalidParameter("Rerank decay function can not find input field, name: "
                        + rerank.ranker().field());
            }
            values[i] = number.doubleValue();
        }
        List<PreparedSearch.Candidate> kept = new ArrayList<>();
        for (RankFusion.Hit h : rerank.ranker().rerank(hits, values, metric, rerank.offset(), rerank.limit())) {
            kept.add(new PreparedSearch.Candidate(h.segment(), h.ordinal(), h.score()));
        }
        return kept;
    }

    /** A sub-request's score rounded by its own {@code round_decimal}, as a search rounds its scores. */
    private static float subScore(float score, int decimals) {
        if (decimals < 0) {
            return score;
        }
        double factor = Math.pow(10, decimals);
        return (float) (Math.round(score * factor) / factor);
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
    /**
     * Search by IDs: the stored vectors of these rows, in request order, read as Milvus's internal query
     * {@code pk in [...]} over the request's partitions. A duplicate or a key that no live row of those partitions
     * holds fails the whole search, with Milvus's messages.
     */
    private Object[] storedVectors(Collection collection, int fieldIndex, PartitionSet partitions,
                                    List<Object> keys) {
        if (new HashSet<>(keys).size() != keys.size()) {
            throw MilvusException.invalidParameter("duplicate IDs found in search request");
        }
        return data.read(Layouts.of(collection), view -> {
            Object[] vectors = new Object[keys.size()];
            List<Object> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                long where = view.locate(keys.get(i));
                if (where < 0 || !partitions.contains(view.partition((int) (where >>> 32), (int) where))) {
                    missing.add(keys.get(i));
                    continue;
                }
                vectors[i] = view.value((int) (where >>> 32), fieldIndex, (int) where);
            }
            if (!missing.isEmpty()) {
                // Go's rendering of a slice, as Milvus prints it.
                StringBuilder list = new StringBuilder("[");
                for (int i = 0; i < missing.size(); i++) {
                    list.append(i == 0 ? "" : " ").append(missing.get(i));
                }
                throw MilvusException.invalidParameter("some of the provided primary key IDs do not exist: missing"
                        + " IDs = " + list.append(']'));
            }
            return vectors;
        });
    }

    /**
     * Build progress of the index on {@code fieldName} (DescribeIndex, GetIndexBuildProgress): for a vector field
     * with an approximate index, the rows still waiting for it; otherwise every live row counts as indexed.
     */
    public IndexProgress indexProgress(Collection collection, String fieldName) {
        List<FieldSchema> fields = collection.schema().fields();
        int field = -1;
        for (int f = 0; f < fields.size(); f++) {
            if (fields.get(f).name().equals(fieldName)) {
                field = f;
            }
        }
        return data.indexProgress(Layouts.of(collection), field);
    }

    /** Which stored fields a result row needs: the returned ones and the primary key (vectors only if asked). */
    private static boolean[] fieldsToCopy(Collection collection, OutputFields output) {
        List<FieldSchema> fields = collection.schema().fields();
        boolean[] copy = new boolean[fields.size()];
        for (FieldSchema f : output.fields()) {
            copy[fields.indexOf(f)] = true;
        }
        copy[primaryKeyIndex(collection)] = true;
        return copy;
    }

    /** Query; {@code count(*)} as the only output field counts instead of returning rows. */
    public ResultRows query(QueryRequest request) {
        Collection collection = loadedCollection(request.database(), request.collection());
        boolean count = request.outputFields().stream().anyMatch(f -> f.trim().equalsIgnoreCase("count(*)"));
        if (count && request.outputFields().size() > 1) {
            throw MilvusException.invalidParameter("count entities with other output fields is not supported");
        }
        boolean emptyFilter = request.filter() == null || request.filter().isBlank();
        if (emptyFilter && !count && request.limit() <= 0) {
            throw MilvusException.invalidParameter("empty expression should be used with limit");
        }
        long window = limits.maxQueryResultWindow();
        if (request.limit() > 0 && request.limit() + Math.max(0, request.offset()) > window) {
            throw MilvusException.invalidParameter("invalid max query result window, (offset+limit) should be in"
                    + " range [1, " + window + "]");
        }
        FilterExpression filter = Filters.parse(collection, request.filter(), request.templates(), filterLimits);
        PartitionSet partitions = ReadPartitions.of(collection, request.partitions(), filter, false);
        OutputFields output = count ? OutputFields.resolve(collection.schema(), List.of(), true)
                : OutputFields.resolve(collection.loadedFields(), request.outputFields(), true);
        int pk = primaryKeyIndex(collection);
        boolean[] copied = fieldsToCopy(collection, output);

        return data.read(Layouts.of(collection), view -> {
            Filters.RowCursor cursor = new Filters.RowCursor(view, collection.schema().fields());
            List<long[]> matches = new ArrayList<>();
            Optional<List<Object>> keys = filter.exactKeys(collection.schema().primaryKey().name());
            if (keys.isPresent()) {
                for (Object key : new HashSet<>(keys.get())) {
                    long where = view.locate(key);
                    if (where >= 0) {
                        considerMatch(view, cursor, filter, partitions, matches, (int) (where >>> 32), (int) where);
                    }
                }
            } else {
                for (int s = 0; s < view.segmentCount(); s++) {
                    Optional<RowSelection> selected = cursor.select(filter, s);
                    if (selected.isEmpty()) {
                        for (int o = 0; o < view.segmentSize(s); o++) {
                            considerMatch(view, cursor, filter, partitions, matches, s, o);
                        }
                        continue;
                    }
                    // The segment's scalar indexes answered: only their rows are looked at, and re-tested unless
                    // the indexes answered the whole filter.
                    BitSet rows = selected.get().rows();
                    boolean exact = selected.get().exact();
                    for (int o = rows.nextSetBit(0); o >= 0; o = rows.nextSetBit(o + 1)) {
                        if (exact ? view.isLive(s, o) && partitions.contains(view.partition(s, o))
                                : isMatch(view, cursor, filter, partitions, s, o)) {
                            matches.add(new long[] {s, o});
                        }
                    }
                }
            }
            if (count) {
                return new ResultRows(output, List.of(), null, null, matches.size(), pk);
            }
            // Ordered by primary key, so paging and the SDKs' query iterators see a stable order.
            matches.sort((a, b) -> compareKeys(view.value((int) a[0], pk, (int) a[1]),
                    view.value((int) b[0], pk, (int) b[1])));
            long from = Math.max(0, request.offset());
            long to = request.limit() > 0 ? Math.min(matches.size(), from + request.limit()) : matches.size();
            List<Object[]> rows = new ArrayList<>();
            for (long i = from; i < to; i++) {
                long[] m = matches.get((int) i);
                rows.add(rowOf(view, (int) m[0], (int) m[1], copied));
            }
            return new ResultRows(output, rows, null, null, rows.size(), pk);
        });
    }

    private static void considerMatch(CollectionView view, Filters.RowCursor cursor, FilterExpression filter,
                                      PartitionSet partitions, List<long[]> matches, int segment, int ordinal) {
        if (isMatch(view, cursor, filter, partitions, segment, ordinal)) {
            matches.add(new long[] {segment, ordinal});
        }
    }

    private static boolean isMatch(CollectionView view, Filters.RowCursor cursor, FilterExpression filter,
                                   PartitionSet partitions, int segment, int ordinal) {
        return view.isLive(segment, ordinal) && partitions.contains(view.partition(segment, ordinal))
                && filter.test(cursor.at(segment, ordinal));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    /** A result row with only the {@code copied} fields filled in (the others stay null and are never sent). */
    private static Object[] rowOf(CollectionView view, int segment, int ordinal, boolean[] copied) {
        Object[] row = new Object[copied.length];
        for (int f = 0; f < row.length; f++) {
            if (copied[f]) {
                row[f] = view.value(segment, f, ordinal);
            }
        }
        return row;
    }

    private static int primaryKeyIndex(Collection collection) {
        return collection.schema().fields().indexOf(collection.schema().primaryKey());
    }

    /**
     * A rough measure of the work a search or query would do, in vector components (floats) compared: every query
     * component against every row of a segment searched exactly, {@value #INDEXED_PROBES} rows per query for a segment
     * searched through its index, and {@value #FILTER_ROW_COST} per row when a filter is evaluated. Cheap (one pass
     * over the segments' sizes, no row read); 0 when the collection is unknown or not loaded, since such a call fails
     * at once. Used to decide where a call runs, never to refuse it.
     *
     * @param vectorField the searched field's name, or empty for the only vector field (a query: empty, with
     *                    {@code queryComponents} 0)
     * @param queryComponents all queries' components together (nq x dim); 0 for a query
     */
    public long readCost(String database, String name, String vectorField, long queryComponents, boolean filtered) {
        Collection collection;
        try {
            collection = loadedCollection(database, name);
        } catch (MilvusException e) {
            return 0;
        }
        List<FieldSchema> fields = collection.schema().fields();
        int field = -1;
        for (FieldSchema vector : collection.schema().vectorFields()) {
            if (vectorField.isEmpty() || vector.name().equals(vectorField)) {
                field = fields.indexOf(vector);
                break;
            }
        }
        int searched = queryComponents > 0 ? field : -1;
        return data.read(Layouts.of(collection), view -> work(view, searched, queryComponents, filtered));
    }

    /**
     * Every query's page, in order. With several queries and enough work, they are cut into chunks searched at once
     * on {@link SearchWorkers}, each chunk with its own run (and row cursor) over the same view. A group-by search
     * is not split: its run learns which segments to search exactly, and later queries depend on that.
     */
    private static List<List<PreparedSearch.Candidate>> pages(PreparedSearch prepared, PreparedSearch.Run run,
                                                             CollectionView view, Collection collection,
                                                             Object[] queries, boolean grouping) {
        int nq = queries.length;
        // A sparse field has no fixed width: counted as one component per query, so it is seldom split.
        int chunks = grouping || nq < 2 ? 1 : SearchWorkers.chunks(nq,
                work(view, prepared.fieldIndex, (long) nq * Math.max(1, prepared.field.dim()), false));
        List<List<List<PreparedSearch.Candidate>>> parts = SearchWorkers.map(chunks, c -> {
            PreparedSearch.Run own = c == 0 ? run
                    : run.sibling(new Filters.RowCursor(view, collection.schema().fields()));
            List<List<PreparedSearch.Candidate>> part = new ArrayList<>();
            for (int q = SearchWorkers.from(c, chunks, nq); q < SearchWorkers.from(c + 1, chunks, nq); q++) {
                part.add(own.page(queries[q]));
            }
            return part;
        });
        List<List<PreparedSearch.Candidate>> all = new ArrayList<>(nq);
        parts.forEach(all::addAll);
        return all;
    }

    /** The work of a hybrid search's sub-requests together, each measured as {@link #pages} measures a search. */
    private static long subSearchWork(CollectionView view, List<PreparedSearch> prepared, int nq) {
        long total = 0;
        for (PreparedSearch p : prepared) {
            total += work(view, p.fieldIndex, (long) nq * Math.max(1, p.field.dim()), false);
        }
        return total;
    }

    /** {@link #readCost}'s measure over a view: {@code searched} = -1 for a scan without vectors. */
    private static long work(CollectionView view, int searched, long queryComponents, boolean filtered) {
        long cost = 0;
        for (int s = 0; s < view.segmentCount(); s++) {
            long rows = view.segmentSize(s);
            if (searched >= 0) {
                boolean indexed = view.annIndex(s, searched) != null;
                cost += queryComponents * (indexed ? Math.min(rows, INDEXED_PROBES) : rows);
            }
            cost += filtered || searched < 0 ? rows * FILTER_ROW_COST : 0;
        }
        return cost;
    }

    /** About what an HNSW or IVF search visits per query (ef 64 x M 16 x 2, or nprobe lists of ~200 rows). */
    static final long INDEXED_PROBES = 2_000;
    /** A filter's evaluation per row, in the same units as one vector component compared. */
    static final long FILTER_ROW_COST = 20;

    private Collection loadedCollection(String database, String name) {
        Collection collection = catalog.collection(database, name);
        if (!collection.loaded()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + collection.name() + "]");
        }
        return collection;
    }
}
