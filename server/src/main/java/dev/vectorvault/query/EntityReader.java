package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.FlatIndex;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.SearchParams;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.expr.FilterExpression;
import dev.vectorvault.storage.data.AnnIndex;
import dev.vectorvault.storage.data.CollectionView;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Search and query over a loaded collection. Both read one consistent view (every write acknowledged before the
 * call is visible: Strong consistency whatever the client asked for). Search runs per segment, then the per-segment
 * winners are merged: a sealed segment whose approximate index (HNSW, IVF_FLAT) is ready is searched through it,
 * with deletes, partitions and the filter applied inside the index search; every other segment (growing, small, or
 * still being indexed) and every range search is exact (FLAT).
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
        Collection collection = loadedCollection(request.database(), request.collection());
        FieldSchema field = vectorField(collection, request.annsField());
        IndexDefinition index = collection.indexOnField(field.name()).orElseThrow();
        MetricType metric = index.metric().orElseThrow();
        IndexKind kind = index.kind().orElseThrow();
        if (!request.metric().allows(metric)) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, "metric type not match: invalid parameter[expected="
                    + metric.wireName() + "][actual=" + request.metric().name() + "]");
        }
        limits.checkSearch(request.queries().length, request.topK(), request.offset());
        for (float[] q : request.queries()) {
            if (q.length != field.dim()) {
                throw MilvusException.invalidParameter("vector dimension mismatch, expected vector size(byte) "
                        + field.dim() * 4 + ", actual " + q.length * 4);
            }
            for (float component : q) {
                if (!Float.isFinite(component)) {
                    throw MilvusException.invalidParameter("search vector holds " + component
                            + ", which is not a number or infinity");
                }
            }
        }
        FilterExpression filter = Filters.parse(collection, request.filter(), request.templates(), filterLimits);
        Set<Long> partitions = partitionIds(collection, request.partitions());
        OutputFields output = OutputFields.resolve(collection.schema(), request.outputFields(), true);
        int fieldIndex = collection.schema().fields().indexOf(field);
        int window = request.topK() + request.offset();
        boolean range = !Float.isNaN(request.radius()) || !Float.isNaN(request.rangeFilter());
        if (!Float.isNaN(request.radius()) && !Float.isNaN(request.rangeFilter())) {
            // Checked here, not left to the index: it would throw only when a segment exists, and not as 1100.
            boolean ordered = metric.higherIsBetter() ? request.rangeFilter() > request.radius()
                    : request.rangeFilter() < request.radius();
            if (!ordered) {
                throw MilvusException.invalidParameter("range_filter must be " + (metric.higherIsBetter()
                        ? "greater" : "less") + " than radius for " + metric + ": range_filter="
                        + request.rangeFilter() + " radius=" + request.radius());
            }
        }

        SearchParams searchParams = IndexKinds.parseSearch(kind, request.searchParams(), window);
        PartitionSet selected = PartitionSet.of(collection, partitions);
        boolean[] copied = fieldsToCopy(collection, output);
        boolean noFilter = filter == FilterExpression.alwaysTrue();
        return data.read(Layouts.of(collection), view -> {
            Filters.RowCursor cursor = new Filters.RowCursor(view, collection.schema().fields());
            List<Object[]> rows = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            int[] perQuery = new int[request.queries().length];
            OrdinalFilter[] accepts = new OrdinalFilter[view.segmentCount()];
            for (int s = 0; s < accepts.length; s++) {
                accepts[s] = acceptFor(view, s, selected, noFilter, filter, cursor);
            }
            for (int q = 0; q < request.queries().length; q++) {
                List<Candidate> best = new ArrayList<>();
                for (int s = 0; s < view.segmentCount(); s++) {
                    int segment = s;
                    AnnIndex ann = range ? null : view.annIndex(segment, fieldIndex);
                    List<SearchHit> hits;
                    if (ann != null) {
                        hits = ann.search(request.queries()[q], window, searchParams, accepts[s]);
                    } else {
                        FlatIndex flat = new FlatIndex(view.vectors(segment, fieldIndex), metric);
                        int size = view.segmentSize(segment);
                        hits = range
                                ? flat.rangeSearch(request.queries()[q], window, size, accepts[s], request.radius(),
                                        request.rangeFilter())
                                : flat.search(request.queries()[q], window, size, accepts[s]);
                    }
                    hits.forEach(h -> best.add(new Candidate(segment, h.ordinal(), h.score())));
                }
                Comparator<Candidate> order = Comparator.comparingDouble(Candidate::score);
                best.sort(metric.higherIsBetter() ? order.reversed() : order);
                List<Candidate> page = best.subList(Math.min(request.offset(), best.size()),
                        Math.min(window, best.size()));
                for (Candidate c : page) {
                    rows.add(rowOf(view, c.segment(), c.ordinal(), copied));
                    scores.add(c.score());
                }
                perQuery[q] = page.size();
            }
            float[] flatScores = new float[scores.size()];
            for (int i = 0; i < flatScores.length; i++) {
                flatScores[i] = scores.get(i);
            }
            return new ResultRows(output, rows, flatScores, perQuery, rows.size(), primaryKeyIndex(collection));
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

    /**
     * The per-row test of one segment. The common case (no filter, every partition, no deletions in the segment)
     * tests nothing at all; otherwise the cheapest checks run first and nothing is boxed per row.
     */
    private static OrdinalFilter acceptFor(CollectionView view, int segment, PartitionSet partitions,
                                           boolean noFilter, FilterExpression filter, Filters.RowCursor cursor) {
        boolean noDeletes = view.deletedCount(segment) == 0;
        if (noFilter && noDeletes && partitions.all()) {
            return OrdinalFilter.ACCEPT_ALL;
        }
        return ordinal -> (noDeletes || view.isLive(segment, ordinal))
                && partitions.contains(view.partition(segment, ordinal))
                && (noFilter || filter.test(cursor.at(segment, ordinal)));
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

    private record Candidate(int segment, int ordinal, float score) {}

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
        PartitionSet partitions = PartitionSet.of(collection, partitionIds(collection, request.partitions()));
        OutputFields output = count ? OutputFields.resolve(collection.schema(), List.of(), true)
                : OutputFields.resolve(collection.schema(), request.outputFields(), true);
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
                    for (int o = 0; o < view.segmentSize(s); o++) {
                        considerMatch(view, cursor, filter, partitions, matches, s, o);
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
        if (view.isLive(segment, ordinal) && partitions.contains(view.partition(segment, ordinal))
                && filter.test(cursor.at(segment, ordinal))) {
            matches.add(new long[] {segment, ordinal});
        }
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

    private Collection loadedCollection(String database, String name) {
        Collection collection = catalog.collection(database, name);
        if (!collection.loaded()) {
            throw new MilvusException(ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + collection.name() + "]");
        }
        return collection;
    }

    private static FieldSchema vectorField(Collection collection, String annsField) {
        List<FieldSchema> vectors = collection.schema().vectorFields();
        if (annsField == null || annsField.isEmpty()) {
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

    private static Set<Long> partitionIds(Collection collection, List<String> names) {
        return collection.readablePartitionIds(names); // only loaded partitions are read
    }
}
