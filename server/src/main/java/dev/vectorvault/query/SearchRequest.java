package dev.vectorvault.query;

import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.index.SparseVector;
import java.util.List;
import java.util.Map;

/**
 * One vector search. {@code annsField} may be empty when the collection has one vector field; {@code metric} is the
 * metric the client named, parsed at the edge ({@link RequestedMetric#none()}: the index's metric is used; any other
 * must be the index's). {@code radius}/{@code rangeFilter} are NaN unless this is a range search.
 * {@code searchParams} are the index's search parameters ({@code ef} for HNSW, {@code nprobe} for IVF_FLAT).
 * {@code groupBy} is null for a plain search. {@code primaryKeys} is null for a search with query vectors; otherwise
 * ({@code queries} then empty) the stored vectors of those rows are the queries, in this order (search by IDs).
 * {@code sparseQueries} are the queries of a search on a sparse vector field ({@code queries} then empty).
 * {@code texts} are the raw query texts of a full-text search on a BM25 function's output field (the others then
 * empty). {@code binaryQueries} are the packed bits ({@code dim / 8} bytes each) of a search on a binary vector field
 * (the others then empty).
 */
public record SearchRequest(
        String database,
        String collection,
        List<String> partitions,
        String annsField,
        float[][] queries,
        int topK,
        int offset,
        String filter,
        Map<String, Object> templates,
        List<String> outputFields,
        RequestedMetric metric,
        float radius,
        float rangeFilter,
        Map<String, String> searchParams,
        GroupBy groupBy,
        List<Object> primaryKeys,
        List<SparseVector> sparseQueries,
        List<String> texts,
        List<byte[]> binaryQueries) {

    public SearchRequest {
        binaryQueries = binaryQueries == null ? List.of() : List.copyOf(binaryQueries);
        sparseQueries = sparseQueries == null ? List.of() : List.copyOf(sparseQueries);
        texts = texts == null ? List.of() : List.copyOf(texts);
        metric = metric == null ? RequestedMetric.none() : metric;
        searchParams = searchParams == null ? Map.of() : Map.copyOf(searchParams);
        primaryKeys = primaryKeys == null ? null : List.copyOf(primaryKeys);
        queries = queries == null ? new float[0][] : queries;
    }

    /** A search with float, sparse or text queries (or by primary keys), no binary ones. */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius, float rangeFilter,
                         Map<String, String> searchParams, GroupBy groupBy, List<Object> primaryKeys,
                         List<SparseVector> sparseQueries, List<String> texts) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, searchParams, groupBy, primaryKeys, sparseQueries, texts, List.of());
    }

    /** A search with query vectors (or by primary keys), no texts. */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius, float rangeFilter,
                         Map<String, String> searchParams, GroupBy groupBy, List<Object> primaryKeys,
                         List<SparseVector> sparseQueries) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, searchParams, groupBy, primaryKeys, sparseQueries, List.of());
    }

    /** A search with dense query vectors (or by primary keys). */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius, float rangeFilter,
                         Map<String, String> searchParams, GroupBy groupBy, List<Object> primaryKeys) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, searchParams, groupBy, primaryKeys, List.of());
    }

    /**
     * The queries, one per query: {@code float[]}s, {@link SparseVector}s for a sparse field, {@code byte[]}s for a
     * binary field, or {@code String}s for a full-text search.
     */
    public Object[] queryVectors() {
        if (!binaryQueries.isEmpty()) {
            return binaryQueries.toArray();
        }
        return !texts.isEmpty() ? texts.toArray() : sparseQueries.isEmpty() ? queries : sparseQueries.toArray();
    }

    /** Number of queries given with the request (0 for a search by primary keys). */
    public int queryCount() {
        return queries.length + sparseQueries.size() + texts.size() + binaryQueries.size();
    }

    /** The same search with sparse query vectors instead of dense ones. */
    public SearchRequest withSparseQueries(List<SparseVector> sparse) {
        return new SearchRequest(database, collection, partitions, annsField, new float[0][], topK, offset, filter,
                templates, outputFields, metric, radius, rangeFilter, searchParams, groupBy, primaryKeys, sparse, texts);
    }

    /** A plain (ungrouped) search with query vectors. */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius,
                         float rangeFilter, Map<String, String> searchParams) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, searchParams, null, null);
    }

    /** A search without index search parameters (defaults apply). */
    public SearchRequest(String database, String collection, List<String> partitions, String annsField,
                         float[][] queries, int topK, int offset, String filter, Map<String, Object> templates,
                         List<String> outputFields, RequestedMetric metric, float radius,
                         float rangeFilter) {
        this(database, collection, partitions, annsField, queries, topK, offset, filter, templates, outputFields,
                metric, radius, rangeFilter, Map.of());
    }

    /** The same search grouped. */
    public SearchRequest withGroupBy(GroupBy grouping) {
        return new SearchRequest(database, collection, partitions, annsField, queries, topK, offset, filter,
                templates, outputFields, metric, radius, rangeFilter, searchParams, grouping, primaryKeys,
                sparseQueries, texts, binaryQueries);
    }

    /** The same search with the stored vectors of these rows as its queries. */
    public SearchRequest withPrimaryKeys(List<Object> keys) {
        return new SearchRequest(database, collection, partitions, annsField, new float[0][], topK, offset, filter,
                templates, outputFields, metric, radius, rangeFilter, searchParams, groupBy, keys);
    }
}
