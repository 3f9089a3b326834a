package dev.vectorvault.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.VectorEncoding;
import dev.vectorvault.query.ColumnBatch;
import dev.vectorvault.query.DecayRanker;
import dev.vectorvault.query.EntityReader;
import dev.vectorvault.query.EntityWriter;
import dev.vectorvault.query.EntityWriter.WriteResult;
import dev.vectorvault.query.FieldHighlights;
import dev.vectorvault.query.FieldOperation;
import dev.vectorvault.query.GroupBy;
import dev.vectorvault.query.GroupScorer;
import dev.vectorvault.query.LexicalHighlighter;
import dev.vectorvault.query.OutputFields;
import dev.vectorvault.query.Ranker;
import dev.vectorvault.query.ReadGuarantee;
import dev.vectorvault.query.ResultRows;
import dev.vectorvault.query.SemanticHighlighter;
import dev.vectorvault.storage.data.DataStore;
import io.milvus.grpc.*;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Insert, upsert, delete, flush, search and query: protobuf in, domain call, protobuf out. */
final class DataRpc {
    private final Catalog catalog;
    private final EntityWriter writer;
    private final EntityReader reader;
    private final DataStore data;
    private final HybridClock clock;

    DataRpc(Catalog catalog, EntityWriter writer, EntityReader reader, DataStore data, HybridClock clock) {
        this.catalog = catalog;
        this.writer = writer;
        this.reader = reader;
        this.data = data;
        this.clock = clock;
    }

    private long gracefulTimeMs = 5_000;
    private long consistencyWaitMs = 10_000;

    /** {@code common.gracefulTime} and {@code cluster.consistencyWaitMs} (reads on a follower replica). */
    void consistency(long gracefulTimeMs, long consistencyWaitMs) {
        this.gracefulTimeMs = gracefulTimeMs;
        this.consistencyWaitMs = consistencyWaitMs;
    }

    /**
     * Milvus's consistency levels for a read served by a follower replica (the owner applies every write before it is
     * acknowledged, so it never waits): the request's level, or the collection's with {@code use_default_consistency};
     * Session (and the deprecated Customized) honour {@code guarantee_timestamp}. See {@link ReadGuarantee}.
     */
    private void awaitConsistency(String database, String collectionName, io.milvus.grpc.ConsistencyLevel requested,
                                  boolean useDefault, long guaranteeTs) {
        catalog.find(database, collectionName).ifPresent(c -> {
            if (!data.follows(c.collectionId())) {
                return;
            }
            ReadGuarantee guarantee = ReadGuarantee.of(useDefault ? c.consistencyLevel()
                            : SchemaMapper.consistency(requested),
                    !useDefault && requested == io.milvus.grpc.ConsistencyLevel.Customized, guaranteeTs,
                    System.currentTimeMillis(), gracefulTimeMs, consistencyWaitMs);
            if (!guarantee.waits()) {
                return;
            }
            long waited = sleepUntil(guarantee.notBeforeMillis());
            data.awaitFresh(c.collectionId(), guarantee.maxLagMillis(), Math.max(1, consistencyWaitMs - waited));
        });
    }

    /** Waits until the clock reads {@code millis} (a guarantee timestamp slightly ahead); returns the ms waited. */
    private static long sleepUntil(long millis) {
        long ahead = millis - System.currentTimeMillis();
        if (millis == 0 || ahead <= 0) {
            return 0;
        }
        try {
            Thread.sleep(ahead);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MilvusException(dev.vectorvault.common.ErrorCode.SERVICE_UNAVAILABLE,
                    "interrupted waiting for the guarantee timestamp");
        }
        return ahead;
    }

    /**
     * Milvus's check of an insert's or upsert's {@code schema_timestamp} (the update timestamp of the description
     * the client built its rows from; 0: not sent): a client whose cached schema predates a schema change
     * (AddCollectionField, AlterCollectionField) would put an added field's values in the dynamic field, so it is
     * told to describe again (109, legacy SchemaMismatch: the SDKs refresh and resend). Only collections whose schema
     * changed are checked: before that no cached schema can be stale, whatever else moved the timestamp.
     */
    private static void checkSchemaTimestamp(Collection collection, long schemaTimestamp) {
        if (schemaTimestamp != 0 && collection.schema().version() > 0
                && schemaTimestamp != collection.updatedTimestamp()) {
            throw new MilvusException(dev.vectorvault.common.ErrorCode.SCHEMA_MISMATCH,
                    "collection schema mismatch[collection=" + collection.name() + "]");
        }
    }

    MutationResult insert(InsertRequest r) {
        RequestAudit.insert(r);
        String database = CatalogRpc.db(r.getDbName());
        Collection target = catalog.collection(database, r.getCollectionName());
        checkSchemaTimestamp(target, r.getSchemaTimestamp());
        ColumnBatch batch = batch(target, r.getFieldsDataList(), r.getNumRows());
        WriteResult result = writer.insert(database, r.getCollectionName(), r.getPartitionName(), batch);
        return mutation(result).setInsertCnt(result.count()).build();
    }

    MutationResult upsert(UpsertRequest r) {
        RequestAudit.upsert(r);
        String database = CatalogRpc.db(r.getDbName());
        Collection target = catalog.collection(database, r.getCollectionName());
        checkSchemaTimestamp(target, r.getSchemaTimestamp());
        List<FieldOperation> operations = fieldOperations(r.getFieldOpsList());
        ColumnBatch batch = batch(target, r.getFieldsDataList(), r.getNumRows());
        WriteResult result = writer.upsert(database, r.getCollectionName(), r.getPartitionName(), batch,
                r.getPartialUpdate(), operations);
        return mutation(result).setUpsertCnt(result.count()).build();
    }

    /** An operation number this server does not know (a later Milvus's) is refused, never read as REPLACE. */
    static List<FieldOperation> fieldOperations(List<io.milvus.grpc.FieldPartialUpdateOp> wire) {
        List<FieldOperation> operations = new ArrayList<>(wire.size());
        for (io.milvus.grpc.FieldPartialUpdateOp op : wire) {
            FieldOperation.Kind kind = switch (op.getOp()) {
                case REPLACE -> FieldOperation.Kind.REPLACE;
                case ARRAY_APPEND -> FieldOperation.Kind.ARRAY_APPEND;
                case ARRAY_REMOVE -> FieldOperation.Kind.ARRAY_REMOVE;
                case UNRECOGNIZED -> throw MilvusException.invalidParameter("unsupported partial update op: "
                        + op.getOpValue() + " on field \"" + op.getFieldName() + "\"");
            };
            operations.add(new FieldOperation(op.getFieldName(), kind));
        }
        return operations;
    }

    MutationResult delete(DeleteRequest r) {
        WriteResult result = writer.delete(CatalogRpc.db(r.getDbName()), r.getCollectionName(),
                r.getPartitionName(), r.getExpr(), Templates.of(r.getExprTemplateValuesMap()));
        return mutation(result).setDeleteCnt(result.count()).build();
    }

    /** Everything acknowledged is already durable in the log; flush also turns it into segment files. */
    FlushResponse flush(FlushRequest r) {
        String database = CatalogRpc.db(r.getDbName());
        r.getCollectionNamesList().forEach(name -> catalog.collection(database, name));
        data.checkpoint();
        // Empty segment maps tell the SDKs there is nothing to wait for.
        return FlushResponse.newBuilder().setStatus(StatusMapper.success()).setDbName(database).build();
    }

    GetFlushStateResponse flushState() {
        return GetFlushStateResponse.newBuilder().setStatus(StatusMapper.success()).setFlushed(true).build();
    }

    /**
     * FlushAll: seals and writes every collection's rows held here (more than a {@code db_name} or
     * {@code flush_targets} asks for, which changes no result). In a cluster each owner seals its own collections at
     * its checkpoints; their acknowledged rows are already durable in the log.
     */
    io.milvus.grpc.FlushAllResponse flushAll(io.milvus.grpc.FlushAllRequest r) {
        if (!r.getDbName().isEmpty()) {
            catalog.database(r.getDbName());
        }
        data.checkpoint();
        return io.milvus.grpc.FlushAllResponse.newBuilder().setStatus(StatusMapper.success())
                .setFlushAllTs(clock.next()).build();
    }

    /** Flushed: what was acknowledged before any flush_all_ts is durable already (see {@link #flush}). */
    io.milvus.grpc.GetFlushAllStateResponse flushAllState(io.milvus.grpc.GetFlushAllStateRequest r) {
        if (!r.getDbName().isEmpty()) {
            catalog.database(r.getDbName());
        }
        return io.milvus.grpc.GetFlushAllStateResponse.newBuilder().setStatus(StatusMapper.success())
                .setFlushed(true).build();
    }

    private MutationResult.Builder mutation(WriteResult result) {
        MutationResult.Builder out = MutationResult.newBuilder().setStatus(StatusMapper.success())
                .setTimestamp(result.timestamp());
        if (!result.primaryKeys().isEmpty() && result.primaryKeys().get(0) instanceof String) {
            out.setIDs(IDs.newBuilder().setStrId(StringArray.newBuilder()
                    .addAllData(result.primaryKeys().stream().map(String.class::cast).toList())));
        } else {
            out.setIDs(IDs.newBuilder().setIntId(LongArray.newBuilder()
                    .addAllData(result.primaryKeys().stream().map(Long.class::cast).toList())));
        }
        return out;
    }

    static ColumnBatch batch(Collection collection, List<FieldData> columns, int numRows) {
        int rows = numRows;
        Map<String, List<Object>> values = new HashMap<>();
        List<Map<String, Object>> dynamic = null;
        for (FieldData column : columns) {
            if (column.getIsDynamic() || FieldSchema.DYNAMIC_FIELD_NAME.equals(column.getFieldName())) {
                dynamic = FieldDataCodec.decodeDynamic(column);
                continue;
            }
            FieldSchema field = collection.schema().field(column.getFieldName()).orElseThrow(() ->
                    MilvusException.invalidParameter("field " + column.getFieldName() + " does not exist in"
                            + " collection " + collection.name()));
            if (rows <= 0) {
                rows = FieldDataCodec.decode(column, field, 0).size();
            }
            values.put(field.name(), FieldDataCodec.decode(column, field, rows));
        }
        if (dynamic != null && dynamic.size() != rows) {
            throw MilvusException.invalidParameter("the dynamic field has " + dynamic.size() + " rows, expected "
                    + rows);
        }
        return new ColumnBatch(rows, values, dynamic);
    }

    // ------------------------------------------------------------------ reads

    io.milvus.grpc.RunAnalyzerResponse runAnalyzer(io.milvus.grpc.RunAnalyzerRequest r) {
        return AnalyzerRpc.run(catalog, r);
    }

    /**
     * The search's {@code metric_type}, parsed here once. {@code "INVALID"} (any case) is the Java SDK's placeholder
     * for "not set" (its MetricType.INVALID), so it means none, as in Milvus; an unknown name travels on to be refused
     * as a mismatch with the index's metric, Milvus's message.
     */
    static RequestedMetric searchMetric(String wireName) {
        return wireName == null || wireName.equalsIgnoreCase("INVALID") ? RequestedMetric.none()
                : RequestedMetric.parse(wireName);
    }

    /** The search's estimated work ({@link EntityReader#readCost}); nothing is decoded or checked. */
    long cost(SearchRequest r) {
        return searchCost(r.getDbName(), r.getCollectionName(), r);
    }

    long cost(HybridSearchRequest r) {
        long total = 0;
        for (SearchRequest sub : r.getRequestsList()) {
            total += searchCost(r.getDbName(), r.getCollectionName(), sub);
        }
        return total;
    }

    private long searchCost(String database, String collection, SearchRequest r) {
        long components = r.getSearchInputCase() == SearchRequest.SearchInputCase.IDS
                ? (long) (r.getIds().getIntId().getDataCount() + r.getIds().getStrId().getDataCount())
                        * ASSUMED_DIM_FOR_IDS
                : r.getPlaceholderGroup().size() / Float.BYTES;
        String annsField = SchemaMapper.keyValues(r.getSearchParamsList()).getOrDefault("anns_field", "");
        return reader.readCost(CatalogRpc.db(database), collection, annsField, Math.max(1, components),
                !r.getDsl().isBlank());
    }

    long cost(QueryRequest r) {
        return reader.readCost(CatalogRpc.db(r.getDbName()), r.getCollectionName(), "", 0, !r.getExpr().isBlank());
    }

    /** A search by primary keys carries no vectors to measure; its stored vectors are assumed this wide. */
    private static final long ASSUMED_DIM_FOR_IDS = 1_024;

    SearchResults search(SearchRequest r) {
        RequestAudit.search(r);
        String database = CatalogRpc.db(r.getDbName());
        Map<String, String> params = SchemaMapper.keyValues(r.getSearchParamsList());
        Map<String, String> nested = params.containsKey("params") && !params.get("params").isBlank()
                ? JsonParams.flatStringMap(params.get("params")) : Map.of();
        RequestAudit.readParams(params);
        boolean byKeys = r.getSearchInputCase() == SearchRequest.SearchInputCase.IDS;
        QueryVectors queries = byKeys ? QueryVectors.NONE : vectors(r.getPlaceholderGroup(), reader.limits());
        Collection collection = catalog.collection(database, r.getCollectionName());
        List<Object> keys = byKeys ? primaryKeys(r.getIds(), collection.schema().primaryKey(), reader.limits())
                : null;
        LexicalHighlighter highlighter = highlighter(r, collection);
        SearchIteration iteration = SearchIteration.from(params, collection);
        GroupBy groupBy = GroupBy.fromParams(params, nested);
        if (groupBy != null && (iteration != null || "true".equalsIgnoreCase(params.get("iterator")))) {
            throw MilvusException.invalidParameter("Not allowed to do groupBy when doing iteration");
        }
        DecayRanker decay = SearchFunctionScore.decay(r.getFunctionScore(), collection.schema());
        if (decay != null && (iteration != null || "true".equalsIgnoreCase(params.get("iterator")))) {
            throw MilvusException.invalidParameter("Range search do not support rerank"); // Milvus's words
        }
        if (decay != null && groupBy != null) {
            throw MilvusException.invalidParameter("Current rerank does not support grouping search");
        }
        float radius = floatParam(nested, params, "radius");
        float rangeFilter = floatParam(nested, params, "range_filter");
        int topK = intParam(params, "topk", 0);
        if (iteration != null) {
            if (iteration.batchSize() > reader.limits().maxTopK()) {
                throw MilvusException.invalidParameterAsIs("search_iter_batch_size [" + iteration.batchSize()
                        + "] is invalid, it should be in range [1, " + reader.limits().maxTopK() + "], but got "
                        + iteration.batchSize());
            }
            // Each page continues strictly past the last bound the client saw (the server keeps no cursor).
            topK = iteration.batchSize();
            radius = iteration.radius();
            rangeFilter = iteration.rangeFilter();
        }
        int offset = iteration == null ? intParam(params, "offset", 0) : 0;
        // A reranked search finds limit + offset hits by vector score, as Milvus does, and keeps the window after.
        EntityReader.Rerank rerank = decay == null ? null : new EntityReader.Rerank(decay, offset, topK);
        dev.vectorvault.query.SearchRequest request = new dev.vectorvault.query.SearchRequest(database,
                r.getCollectionName(), r.getPartitionNamesList(), params.getOrDefault("anns_field", ""),
                queries.denseFor(collection, params.getOrDefault("anns_field", "")),
                rerank == null ? topK : topK + offset, rerank == null ? offset : 0, r.getDsl(),
                Templates.of(r.getExprTemplateValuesMap()), r.getOutputFieldsList(),
                searchMetric(params.get("metric_type")), radius, rangeFilter, nested, groupBy, keys,
                queries.sparse(), queries.texts(), queries.binary());
        awaitConsistency(database, r.getCollectionName(), r.getConsistencyLevel(), r.getUseDefaultConsistency(),
                r.getGuaranteeTimestamp());
        ResultRows rows;
        try {
            rows = reader.search(request, highlighter, rerank);
        } catch (IllegalArgumentException e) {
            // The index refuses impossible windows (range_filter past radius) and non-finite query values.
            throw MilvusException.invalidParameter(e.getMessage());
        }
        int roundDecimal = intParam(params, "round_decimal", -1);
        SearchResultData.Builder results = resultData(collection, rows, topK, roundDecimal);
        for (FieldHighlights field : rows.highlights()) {
            HighlightResult.Builder highlight = HighlightResult.newBuilder().setFieldName(field.field());
            field.fragments().forEach(f -> highlight.addDatas(HighlightData.newBuilder().addAllFragments(f)));
            results.addHighlightResults(highlight);
        }
        if (iteration != null) {
            float lastBound = rows.scores().length == 0 ? iteration.lastBound() : rows.scores()[rows.scores().length - 1];
            results.setSearchIteratorV2Results(SearchIteratorV2Results.newBuilder()
                    .setToken(iteration.token()).setLastBound(lastBound));
        }
        return SearchResults.newBuilder().setStatus(StatusMapper.success()).setResults(results)
                .setCollectionName(collection.name()).setSessionTs(clock.next()).build();
    }

    /**
     * The search's highlighter: a Lexical one read here, a Semantic one refused (it needs a model service), none:
     * null. Milvus's message for a type it does not know.
     */
    private LexicalHighlighter highlighter(SearchRequest r, Collection collection) {
        if (!r.hasHighlighter()) {
            return null;
        }
        Map<String, String> params = SchemaMapper.keyValues(r.getHighlighter().getParamsList());
        return switch (r.getHighlighter().getType()) {
            case Lexical -> LexicalHighlighter.parse(params, reader.limits().maxHighlightFragments());
            case Semantic -> throw SemanticHighlighter.refusal(params, collection.schema());
            default -> throw MilvusException.invalidParameter("unsupported highlight type: "
                    + r.getHighlighter().getTypeValue());
        };
    }

    /** A search's results: hits flat by query, scores rounded to {@code roundDecimal} (-1: as they are). */
    private static SearchResultData.Builder resultData(Collection collection, ResultRows rows, long topK,
                                                       int roundDecimal) {
        SearchResultData.Builder results = SearchResultData.newBuilder()
                .setNumQueries(rows.perQuery().length)
                .setTopK(topK)
                .setPrimaryFieldName(collection.schema().primaryKey().name())
                .addAllOutputFields(rows.output().names());
        for (int count : rows.perQuery()) {
            results.addTopks(count);
        }
        for (float score : rows.scores()) {
            results.addScores(round(score, roundDecimal));
        }
        results.setIds(ids(collection.schema().primaryKey(), rows.rows(), rows.primaryKeyField()));
        // The primary key comes back as a field too (as Milvus 2.6 does): the Node SDK reads ids only from there.
        addColumns(results::addFieldsData, collection, rows);
        if (rows.groupValues() != null) {
            results.setGroupByFieldValue(groupValues(rows.groupField(), rows.groupValues()));
        }
        return results;
    }

    /**
     * Hybrid search, read as Milvus 2.6 reads it: {@code rank_params} carry {@code limit} (required), {@code offset},
     * {@code round_decimal}, the ranker ({@code strategy} + {@code params} JSON; absent: RRF, k = 60) and the
     * group-by keys with {@code rank_group_scorer}; a non-empty {@code function_score} names the ranker instead. Each
     * sub-request is a search request of which only the query vectors, filter, template values and search params
     * count (Milvus copies nothing else); fields that Milvus would drop are refused here rather than ignored.
     */
    SearchResults hybridSearch(HybridSearchRequest r) {
        RequestAudit.hybridSearch(r);
        String database = CatalogRpc.db(r.getDbName());
        Map<String, String> rank = SchemaMapper.keyValues(r.getRankParamsList());
        RequestAudit.readParams(rank);
        HybridRankParams window = HybridRankParams.parse(rank, reader.limits().maxQueryResultWindow());
        GroupBy groupBy = GroupBy.fromParams(rank, Map.of());
        GroupScorer scorer = GroupScorer.parse(rank.get("rank_group_scorer"));
        Ranker ranker = HybridRankParams.hasFunctions(r.getFunctionScore())
                ? HybridRankParams.ranker(r.getFunctionScore(), rank) : Ranker.fromRankParams(rank);
        Collection collection = catalog.collection(database, r.getCollectionName());
        if (r.getRequestsCount() > dev.vectorvault.query.HybridSearchRequest.MAX_SUB_REQUESTS) {
            // Before any sub-request's vectors are decoded.
            throw MilvusException.invalidParameter("maximum of ann search requests is "
                    + dev.vectorvault.query.HybridSearchRequest.MAX_SUB_REQUESTS);
        }
        List<dev.vectorvault.query.HybridSearchRequest.SubRequest> subs = new ArrayList<>();
        for (int i = 0; i < r.getRequestsCount(); i++) {
            subs.add(subRequest(r.getRequests(i), i, r, database, window));
        }
        dev.vectorvault.query.HybridSearchRequest request = new dev.vectorvault.query.HybridSearchRequest(database,
                r.getCollectionName(), r.getPartitionNamesList(), subs, ranker, window.limit(), window.offset(),
                window.roundDecimal(), r.getOutputFieldsList(), groupBy, scorer);
        awaitConsistency(database, r.getCollectionName(), r.getConsistencyLevel(), r.getUseDefaultConsistency(),
                r.getGuaranteeTimestamp());
        ResultRows rows;
        try {
            rows = reader.hybridSearch(request);
        } catch (IllegalArgumentException e) {
            throw MilvusException.invalidParameter(e.getMessage());
        }
        long topK = groupBy == null ? window.limit() : (long) window.limit() * groupBy.groupSize();
        // Fused scores are already rounded, as Milvus rounds them (floor(x * 10^d + 0.5) / 10^d).
        SearchResultData.Builder results = resultData(collection, rows, topK, -1);
        return SearchResults.newBuilder().setStatus(StatusMapper.success()).setResults(results)
                .setCollectionName(collection.name()).setSessionTs(clock.next()).build();
    }

    /**
     * One sub-request of a hybrid search: its vectors, filter, {@code anns_field}, {@code topk} (absent or not a
     * number: the hybrid search's limit + offset, as in Milvus), {@code metric_type}, index search params,
     * {@code radius}/{@code range_filter} and {@code round_decimal}.
     */
    private dev.vectorvault.query.HybridSearchRequest.SubRequest subRequest(SearchRequest s, int index,
                                                                           HybridSearchRequest hybrid,
                                                                           String database,
                                                                           HybridRankParams rank) {
        RequestAudit.hybridSubRequest(s, index, hybrid, database);
        String collection = hybrid.getCollectionName();
        long window = (long) rank.limit() + rank.offset();
        Map<String, String> params = SchemaMapper.keyValues(s.getSearchParamsList());
        Map<String, String> nested = params.containsKey("params") && !params.get("params").isBlank()
                ? JsonParams.flatStringMap(params.get("params")) : Map.of();
        RequestAudit.readParams(params);
        RequestAudit.hybridSubParams(params, nested, index, rank.offset());
        QueryVectors queries = vectors(s.getPlaceholderGroup(), reader.limits());
        long topK = window;
        String topKText = params.get("topk");
        if (topKText != null) {
            try {
                topK = Long.parseLong(topKText.trim());
            } catch (NumberFormatException e) {
                topK = window; // Milvus falls back to the hybrid search's window
            }
        }
        if (topK > Integer.MAX_VALUE || topK < Integer.MIN_VALUE) {
            throw MilvusException.invalidParameterAsIs("topk [" + topK + "] is invalid, it should be in range [1, "
                    + reader.limits().maxTopK() + "], but got " + topK);
        }
        int roundDecimal = HybridRankParams.roundDecimal(params);
        dev.vectorvault.query.SearchRequest search = new dev.vectorvault.query.SearchRequest(database, collection,
                List.of(), params.getOrDefault("anns_field", ""),
                queries.denseFor(catalog.collection(database, collection), params.getOrDefault("anns_field", "")),
                (int) topK, 0, s.getDsl(),
                Templates.of(s.getExprTemplateValuesMap()), List.of(), searchMetric(params.get("metric_type")),
                floatParam(nested, params, "radius"), floatParam(nested, params, "range_filter"), nested, null, null,
                queries.sparse(), queries.texts(), queries.binary());
        return new dev.vectorvault.query.HybridSearchRequest.SubRequest(search, roundDecimal);
    }

    /**
     * {@code group_by_field_value}: one value per hit, typed as the group field, with an empty name (as Milvus
     * sends it); {@code valid_data} only when a null group is present.
     */
    private static FieldData groupValues(FieldSchema field, List<Object> values) {
        FieldData encoded = FieldDataCodec.encode(field, new ArrayList<>(values), null);
        FieldData.Builder out = encoded.toBuilder().clearFieldName().clearFieldId().clearIsDynamic();
        if (!values.contains(null)) {
            out.clearValidData();
        }
        return out.build();
    }

    /**
     * Search by IDs ({@code SearchRequest.ids}): the keys, typed as the primary key; nq is their count. Milvus
     * refuses keys of the other type; duplicates and missing keys are refused by the reader.
     */
    private static List<Object> primaryKeys(IDs ids, FieldSchema primaryKey, ServerConfig.SearchLimits limits) {
        boolean varchar = primaryKey.dataType() == DataType.VARCHAR;
        List<Object> keys = new ArrayList<>();
        if (ids.hasStrId()) {
            if (!varchar) {
                throw MilvusException.invalidParameter("the IDs to search by are strings, but the primary key "
                        + primaryKey.name() + " is Int64");
            }
            keys.addAll(ids.getStrId().getDataList());
        } else if (ids.hasIntId()) {
            if (varchar) {
                throw MilvusException.invalidParameter("the IDs to search by are integers, but the primary key "
                        + primaryKey.name() + " is VarChar");
            }
            keys.addAll(ids.getIntId().getDataList());
        }
        limits.checkNq(keys.size());
        return keys;
    }

    QueryResults query(QueryRequest r) {
        String database = CatalogRpc.db(r.getDbName());
        RequestAudit.query(r);
        Map<String, String> params = SchemaMapper.keyValues(r.getQueryParamsList());
        RequestAudit.readParams(params);
        awaitConsistency(database, r.getCollectionName(), r.getConsistencyLevel(), r.getUseDefaultConsistency(),
                r.getGuaranteeTimestamp());
        ResultRows rows = reader.query(new dev.vectorvault.query.QueryRequest(database, r.getCollectionName(),
                r.getPartitionNamesList(), r.getExpr(), Templates.of(r.getExprTemplateValuesMap()),
                r.getOutputFieldsList().isEmpty() ? List.of() : r.getOutputFieldsList(),
                longParam(params, "limit", -1), longParam(params, "offset", 0)));
        Collection collection = catalog.collection(database, r.getCollectionName());
        QueryResults.Builder out = QueryResults.newBuilder().setStatus(StatusMapper.success())
                .setCollectionName(collection.name()).setSessionTs(clock.next())
                .setPrimaryFieldName(collection.schema().primaryKey().name());
        boolean count = r.getOutputFieldsList().stream().anyMatch(f -> f.trim().equalsIgnoreCase("count(*)"));
        if (count) {
            return out.addOutputFields("count(*)").addFieldsData(FieldData.newBuilder().setFieldName("count(*)")
                    .setType(io.milvus.grpc.DataType.Int64).setScalars(ScalarField.newBuilder()
                            .setLongData(LongArray.newBuilder().addData(rows.count())))).build();
        }
        out.addAllOutputFields(rows.output().names());
        addColumns(out::addFieldsData, collection, rows);
        return out.build();
    }

    private static void addColumns(java.util.function.Consumer<FieldData> sink, Collection collection,
                                   ResultRows rows) {
        OutputFields output = rows.output();
        List<FieldSchema> schemaFields = collection.schema().fields();
        for (FieldSchema field : output.fields()) {
            int index = schemaFields.indexOf(field);
            List<Object> column = new ArrayList<>(rows.rows().size());
            rows.rows().forEach(row -> column.add(row[index]));
            sink.accept(FieldDataCodec.encode(field, column, output.dynamicKeys()));
        }
    }

    private static IDs ids(FieldSchema primaryKey, List<Object[]> rows, int pk) {
        if (primaryKey.dataType() == DataType.VARCHAR) {
            StringArray.Builder keys = StringArray.newBuilder();
            rows.forEach(row -> keys.addData((String) row[pk]));
            return IDs.newBuilder().setStrId(keys).build();
        }
        LongArray.Builder keys = LongArray.newBuilder();
        rows.forEach(row -> keys.addData((Long) row[pk]));
        return IDs.newBuilder().setIntId(keys).build();
    }

    /** A request's query vectors: dense ones, or sparse ones for a sparse field (the other list empty). */
    record QueryVectors(float[][] dense, List<SparseVector> sparse, VectorEncoding encoding, List<String> texts,
                        List<byte[]> binary) {
        static final QueryVectors NONE = new QueryVectors(new float[0][], List.of(), VectorEncoding.FLOAT32,
                List.of());

        QueryVectors(float[][] dense, List<SparseVector> sparse, VectorEncoding encoding, List<String> texts) {
            this(dense, sparse, encoding, texts, List.of());
        }

        /**
         * The dense queries as the searched field takes them: a query of the field's own type as decoded; a float32
         * query on a Float16 or BFloat16 field converted as Milvus 2.6 converts it; any other mix refused with
         * Milvus's message. A field that cannot be resolved here is left to the search's own checks.
         */
        float[][] denseFor(Collection collection, String annsField) {
            if (dense.length == 0) {
                return dense;
            }
            List<FieldSchema> vectorFields = collection.schema().vectorFields();
            FieldSchema field = annsField == null || annsField.isEmpty()
                    ? (vectorFields.size() == 1 ? vectorFields.get(0) : null)
                    : vectorFields.stream().filter(f -> f.name().equals(annsField)).findFirst().orElse(null);
            if (field == null || !field.dataType().isDenseVector()) {
                if (field != null && encoding != VectorEncoding.FLOAT32) {
                    throw mismatch(field.dataType() == DataType.SPARSE_FLOAT_VECTOR ? "SparseFloatVector"
                            : field.dataType() == DataType.BINARY_VECTOR ? "BinaryVector"
                            : field.dataType().name());
                }
                return dense;
            }
            VectorEncoding stored = field.dataType().encoding();
            if (stored == encoding) {
                return dense;
            }
            if (encoding != VectorEncoding.FLOAT32
                    || (stored != VectorEncoding.FLOAT16 && stored != VectorEncoding.BFLOAT16)) {
                throw mismatch(stored.wireName());
            }
            float[][] converted = new float[dense.length][];
            for (int i = 0; i < dense.length; i++) {
                try {
                    converted[i] = stored.fromFloat32(dense[i]);
                } catch (IllegalArgumentException e) {
                    throw MilvusException.invalidParameter("cannot convert the FloatVector query " + i + " to "
                            + stored.wireName() + ": " + e.getMessage());
                }
            }
            return converted;
        }

        private MilvusException mismatch(String fieldType) {
            return MilvusException.invalidParameter("vector type must be the same: field type " + fieldType
                    + ", search type " + encoding.wireName());
        }
    }

    /**
     * Query vectors from a serialized {@code PlaceholderGroup}: little-endian float32 per dimension, or one row of
     * Milvus's sparse format per value (little-endian uint32 index, float32 value pairs).
     */
    private static QueryVectors vectors(com.google.protobuf.ByteString placeholderGroup, ServerConfig.SearchLimits limits) {
        PlaceholderGroup group;
        try {
            group = PlaceholderGroup.parseFrom(placeholderGroup);
        } catch (InvalidProtocolBufferException e) {
            throw MilvusException.invalidParameter("placeholder group is not a valid PlaceholderGroup message");
        }
        if (group.getPlaceholdersCount() != 1) {
            throw MilvusException.invalidParameter("exactly one placeholder is expected, got "
                    + group.getPlaceholdersCount());
        }
        PlaceholderValue placeholder = group.getPlaceholders(0);
        VectorEncoding encoding = switch (placeholder.getType()) {
            case FloatVector, SparseFloatVector, VarChar -> VectorEncoding.FLOAT32;
            case Float16Vector -> VectorEncoding.FLOAT16;
            case BFloat16Vector -> VectorEncoding.BFLOAT16;
            case Int8Vector -> VectorEncoding.INT8;
            case BinaryVector -> null;
            default -> throw MilvusException.invalidParameter("only float, float16, bfloat16, int8, binary and sparse"
                    + " float vectors and texts (on a BM25 function's output) can be searched, got "
                    + placeholder.getType());
        };
        // Before any vector is decoded: two million query vectors must cost nothing but this check.
        limits.checkNq(placeholder.getValuesCount());
        if (placeholder.getType() == PlaceholderType.VarChar) {
            // Full-text search: each value is one query text in UTF-8 (Milvus's EmbeddedText / a pymilvus str).
            List<String> texts = new ArrayList<>(placeholder.getValuesCount());
            for (com.google.protobuf.ByteString text : placeholder.getValuesList()) {
                if (!text.isValidUtf8()) {
                    throw MilvusException.invalidParameter("query text is not valid UTF-8");
                }
                texts.add(text.toStringUtf8());
            }
            return new QueryVectors(new float[0][], List.of(), VectorEncoding.FLOAT32, texts);
        }
        if (placeholder.getType() == PlaceholderType.BinaryVector) {
            // Each value is one query's packed bits, as stored (dim / 8 bytes; checked against the field later).
            List<byte[]> binary = new ArrayList<>(placeholder.getValuesCount());
            for (com.google.protobuf.ByteString row : placeholder.getValuesList()) {
                binary.add(row.toByteArray());
            }
            return new QueryVectors(new float[0][], List.of(), VectorEncoding.FLOAT32, List.of(), binary);
        }
        if (placeholder.getType() == PlaceholderType.SparseFloatVector) {
            List<SparseVector> sparse = new ArrayList<>(placeholder.getValuesCount());
            for (com.google.protobuf.ByteString row : placeholder.getValuesList()) {
                sparse.add(SparseVector.fromMilvusBytes(row.toByteArray()));
            }
            return new QueryVectors(new float[0][], sparse, VectorEncoding.FLOAT32, List.of());
        }
        if (encoding != VectorEncoding.FLOAT32) {
            float[][] narrow = new float[placeholder.getValuesCount()][];
            for (int i = 0; i < narrow.length; i++) {
                byte[] row = placeholder.getValues(i).toByteArray();
                if (row.length % encoding.bytesPerComponent() != 0) {
                    throw MilvusException.invalidParameter("a " + encoding.wireName() + " query must be a whole"
                            + " number of " + encoding.bytesPerComponent() + "-byte values");
                }
                narrow[i] = encoding.decode(row);
            }
            return new QueryVectors(narrow, List.of(), encoding, List.of());
        }
        float[][] out = new float[placeholder.getValuesCount()][];
        for (int i = 0; i < out.length; i++) {
            ByteBuffer bytes = placeholder.getValues(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() % 4 != 0) {
                throw MilvusException.invalidParameter("a float vector must be a whole number of float32 values");
            }
            float[] v = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(v);
            out[i] = v;
        }
        return new QueryVectors(out, List.of(), VectorEncoding.FLOAT32, List.of());
    }

    private static float round(float score, int decimals) {
        if (decimals < 0) {
            return score;
        }
        double factor = Math.pow(10, decimals);
        return (float) (Math.round(score * factor) / factor);
    }

    private static int intParam(Map<String, String> params, String key, int fallback) {
        return (int) longParam(params, key, fallback);
    }

    private static long longParam(Map<String, String> params, String key, long fallback) {
        String value = params.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter(key + " [" + value + "] is invalid, it should be an integer");
        }
    }

    private static float floatParam(Map<String, String> nested, Map<String, String> params, String key) {
        String value = nested.getOrDefault(key, params.get(key));
        if (value == null || value.isBlank()) {
            return Float.NaN;
        }
        try {
            return Float.parseFloat(value.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter(key + " [" + value + "] is invalid, it should be a number");
        }
    }
}
