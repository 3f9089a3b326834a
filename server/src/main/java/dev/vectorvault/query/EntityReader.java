package dev.vectorvault.query;

import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.catalog.PartitionKey;
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
        boolean byKeys = request.primaryKeys() != null;
        FieldSchema field = vectorField(collection, request.annsField(), byKeys);
        IndexDefinition index = collection.indexOnField(field.name()).orElseThrow();
        MetricType metric = index.metric().orElseThrow();
        IndexKind kind = index.kind().orElseThrow();
        if (!request.metric().allows(metric)) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, "metric type not match: invalid parameter[expected="
                    + metric.wireName() + "][actual=" + request.metric().name() + "]");
        }
        int nq = byKeys ? request.primaryKeys().size() : request.queries().length;
        limits.checkSearch(nq, request.topK(), request.offset());
        boolean range = !Float.isNaN(request.radius()) || !Float.isNaN(request.rangeFilter());
        GroupBy groupBy = request.groupBy();
        FieldSchema groupField = null;
        if (groupBy != null) {
            if (range) {
                throw MilvusException.invalidParameter("Not allowed to do range-search when doing search-group-by");
            }
            groupBy.checkSize(limits.maxGroupSize());
            groupField = groupBy.resolve(collection.schema());
        }
        for (float[] q : request.queries()) {
            checkQueryVector(field, q);
        }
        FilterExpression filter = Filters.parse(collection, request.filter(), request.templates(), filterLimits);
        Set<Long> partitions = partitionIds(collection, request.partitions(), filter, true);
        OutputFields output = OutputFields.resolve(collection.schema(), request.outputFields(), true);
        int fieldIndex = collection.schema().fields().indexOf(field);
        int window = request.topK() + request.offset();
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
        float[][] queries = byKeys ? storedVectors(collection, fieldIndex, selected, request.primaryKeys())
                : request.queries();
        boolean[] copied = fieldsToCopy(collection, output);
        boolean noFilter = filter == FilterExpression.alwaysTrue();
        int groupFieldIndex = groupField == null ? -1 : collection.schema().fields().indexOf(groupField);
        FieldSchema grouped = groupField;
        return data.read(Layouts.of(collection), view -> {
            Filters.RowCursor cursor = new Filters.RowCursor(view, collection.schema().fields());
            List<Object[]> rows = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            List<Object> groupValues = groupBy == null ? null : new ArrayList<>();
            int[] perQuery = new int[queries.length];
            OrdinalFilter[] accepts = new OrdinalFilter[view.segmentCount()];
            for (int s = 0; s < accepts.length; s++) {
                accepts[s] = acceptFor(view, s, selected, noFilter, filter, cursor);
            }
            SegmentSearch segments = new SegmentSearch(view, fieldIndex, metric, searchParams, accepts, range,
                    request.radius(), request.rangeFilter());
            for (int q = 0; q < queries.length; q++) {
                List<Candidate> page;
                if (queries[q] == null) {
                    page = List.of(); // search by IDs of a row whose vector is null: no hits, as in Milvus
                } else if (groupBy == null) {
                    List<Candidate> best = segments.candidates(queries[q], window, false).best();
                    page = best.subList(Math.min(request.offset(), best.size()), Math.min(window, best.size()));
                } else {
                    page = new ArrayList<>();
                    for (List<Candidate> group : grouped(segments, queries[q], request, groupBy, view,
                            groupFieldIndex).groups()) {
                        page.addAll(group);
                    }
                }
                for (Candidate c : page) {
                    rows.add(rowOf(view, c.segment(), c.ordinal(), copied));
                    scores.add(c.score());
                    if (groupValues != null) {
                        groupValues.add(view.value(c.segment(), groupFieldIndex, c.ordinal()));
                    }
                }
                perQuery[q] = page.size();
            }
            float[] flatScores = new float[scores.size()];
            for (int i = 0; i < flatScores.length; i++) {
                flatScores[i] = scores.get(i);
            }
            return new ResultRows(output, rows, flatScores, perQuery, rows.size(), primaryKeyIndex(collection),
                    grouped, groupValues);
        });
    }

    /**
     * One query's groups. The candidate search widens until the answer is settled: it starts at
     * {@code (offset + limit) x group_size} hits per segment and multiplies that by 4 until the groups are complete
     * ({@link GroupedHits#complete()}) or every segment is exhausted (it returned fewer hits than asked, or was
     * asked for at least its size). Only the trusted prefix of the merged candidates is grouped: the hits at least
     * as good as the last hit of every segment that may hold more, since an unseen row of such a segment could rank
     * before any later candidate (and open a group first). A segment searched through an approximate index that
     * returns fewer hits than asked is searched exactly from then on, so a sparse group is not lost to the index's
     * beam or probes.
     */
    private static GroupedHits<Candidate> grouped(SegmentSearch segments, float[] query, SearchRequest request,
                                                  GroupBy groupBy, CollectionView view, int groupFieldIndex) {
        long k = (long) (request.topK() + request.offset()) * groupBy.groupSize();
        while (true) {
            Candidates found = segments.candidates(query, (int) Math.min(k, Integer.MAX_VALUE), true);
            GroupedHits<Candidate> groups = GroupedHits.reduce(found.best().subList(0, found.trusted()),
                    c -> view.value(c.segment(), groupFieldIndex, c.ordinal()), request.offset(), request.topK(),
                    groupBy);
            if (groups.complete() || !found.more()) {
                return groups;
            }
            k *= 4;
        }
    }

    /**
     * Merged hits, best first.
     *
     * @param more    whether some segment may hold accepted rows beyond those returned
     * @param trusted how many leading hits no unseen row can rank before (all of them when nothing is left)
     */
    private record Candidates(List<Candidate> best, boolean more, int trusted) {}

    /** The per-segment searches of one request, merged best first. */
    private static final class SegmentSearch {
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
         */
        Candidates candidates(float[] query, int k, boolean exhaustive) {
            List<Candidate> best = new ArrayList<>();
            boolean more = false;
            boolean higherIsBetter = metric.higherIsBetter();
            float bound = higherIsBetter ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            for (int s = 0; s < view.segmentCount(); s++) {
                int segment = s;
                int size = view.segmentSize(segment);
                // A widened group-by search never asks a segment for more than all of it.
                int wanted = exhaustive ? Math.max(1, Math.min(k, size)) : k;
                AnnIndex ann = range || exact[s] ? null : view.annIndex(segment, fieldIndex);
                List<SearchHit> hits = null;
                if (ann != null) {
                    hits = ann.search(query, wanted, params, accepts[s]);
                    if (exhaustive && hits.size() < wanted) {
                        exact[s] = true;
                        hits = null;
                    }
                }
                if (hits == null) {
                    FlatIndex flat = new FlatIndex(view.vectors(segment, fieldIndex), metric);
                    hits = range ? flat.rangeSearch(query, wanted, size, accepts[s], radius, rangeFilter)
                            : flat.search(query, wanted, size, accepts[s]);
                }
                if (!hits.isEmpty() && hits.size() >= k && k < size) {
                    more = true;
                    float last = hits.get(hits.size() - 1).score();
                    // Unseen rows of this segment score no better than its last hit.
                    bound = higherIsBetter ? Math.max(bound, last) : Math.min(bound, last);
                }
                hits.forEach(h -> best.add(new Candidate(segment, h.ordinal(), h.score())));
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
    }

    private static void checkQueryVector(FieldSchema field, float[] q) {
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

    /**
     * Search by IDs: the stored vectors of these rows, in request order, read as Milvus's internal query
     * {@code pk in [...]} over the request's partitions. A duplicate or a key that no live row of those partitions
     * holds fails the whole search, with Milvus's messages.
     */
    private float[][] storedVectors(Collection collection, int fieldIndex, PartitionSet partitions,
                                    List<Object> keys) {
        if (new HashSet<>(keys).size() != keys.size()) {
            throw MilvusException.invalidParameter("duplicate IDs found in search request");
        }
        return data.read(Layouts.of(collection), view -> {
            float[][] vectors = new float[keys.size()][];
            List<Object> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                long where = view.locate(keys.get(i));
                if (where < 0 || !partitions.contains(view.partition((int) (where >>> 32), (int) where))) {
                    missing.add(keys.get(i));
                    continue;
                }
                vectors[i] = (float[]) view.value((int) (where >>> 32), fieldIndex, (int) where);
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
        PartitionSet partitions = PartitionSet.of(collection, partitionIds(collection, request.partitions(), filter,
                false));
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

    /**
     * The partitions a read covers: the named ones or every loaded one. With a partition key, names are refused as
     * Milvus refuses them (search: a plain error; query: 1100), a search on a collection with
     * {@code partitionkey.isolation} must pin the key with {@code ==}, and a filter that pins the key to values
     * narrows the read to the partitions those values hash to (rows of other partitions are then passed over
     * before the filter is evaluated).
     */
    private static Set<Long> partitionIds(Collection collection, List<String> names, FilterExpression filter,
                                          boolean search) {
        Optional<PartitionKey> key = PartitionKey.of(collection);
        if (key.isEmpty()) {
            return collection.readablePartitionIds(names); // only loaded partitions are read
        }
        if (names != null && !names.isEmpty()) {
            throw search ? new MilvusException(ErrorCode.UNEXPECTED, PartitionKey.NAMED_PARTITIONS_REFUSED)
                    : MilvusException.invalidParameter(PartitionKey.NAMED_PARTITIONS_REFUSED);
        }
        String keyField = key.get().field().name();
        if (search && key.get().isolation()) {
            Optional<String> violation = filter.partitionKeyIsolationViolation(keyField);
            if (violation.isPresent()) {
                throw new MilvusException(ErrorCode.UNEXPECTED, violation.get());
            }
        }
        Set<Long> loaded = collection.readablePartitionIds(List.of());
        Optional<long[]> pinned = filter.pinnedValues(keyField).flatMap(key.get()::partitionIdsFor);
        if (pinned.isEmpty()) {
            return loaded;
        }
        Set<Long> narrowed = new HashSet<>();
        for (long id : pinned.get()) {
            if (loaded.contains(id)) {
                narrowed.add(id);
            }
        }
        return narrowed;
    }
}
