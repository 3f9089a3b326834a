package dev.vectorvault.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vectorvault.auth.rbac.RbacService;
import dev.vectorvault.auth.rbac.Visibility;
import dev.vectorvault.auth.rbac.VisibleNames;
import dev.vectorvault.catalog.Catalog;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.Database;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.catalog.Indexes;
import dev.vectorvault.catalog.Partition;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.RequestedMetric;
import io.milvus.grpc.*;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongBiFunction;

/**
 * Databases, collections, partitions, aliases, indexes and load state: protobuf in, catalog call, protobuf out.
 * The database of a request is its {@code db_name}, else the {@code dbname} header, else {@code default}.
 */
final class CatalogRpc {
    private final Catalog catalog;
    private final Indexes indexes;
    private final HybridClock clock;
    /** Live rows of (collection id, partition id or -1 for all). */
    private final ToLongBiFunction<Long, Long> rowCounts;
    private final RbacService rbac;
    private final Visibility visibility;

    CatalogRpc(Catalog catalog, Indexes indexes, HybridClock clock, ToLongBiFunction<Long, Long> rowCounts,
               RbacService rbac, Visibility visibility) {
        this.rbac = rbac;
        this.visibility = visibility;
        this.catalog = catalog;
        this.indexes = indexes;
        this.clock = clock;
        this.rowCounts = rowCounts;
    }

    /** LoadCollection's replica_number and resource_groups, GetReplicas (set by the server before it serves). */
    private ReplicaLoads replicaLoads;

    void replicaLoads(ReplicaLoads loads) {
        this.replicaLoads = loads;
    }

    /** Milvus's {@code proxy.maxShardNum}: the most shards CreateCollection may ask for. */
    private int maxShardNum = 16;

    void maxShardNum(int maxShardNum) {
        this.maxShardNum = maxShardNum;
    }

    static String db(String requested) {
        return requested == null || requested.isEmpty() ? CallContext.caller().database() : requested;
    }

    // ------------------------------------------------------------------ databases

    void requireDatabase(String name) {
        catalog.database(name);
    }

    Status createDatabase(CreateDatabaseRequest r) {
        catalog.createDatabase(r.getDbName(), SchemaMapper.keyValues(r.getPropertiesList()));
        return StatusMapper.success();
    }

    Status dropDatabase(DropDatabaseRequest r) {
        catalog.dropDatabase(r.getDbName());
        return StatusMapper.success();
    }

    ListDatabasesResponse listDatabases() {
        ListDatabasesResponse.Builder out = ListDatabasesResponse.newBuilder().setStatus(StatusMapper.success());
        VisibleNames visible = visibility.databases(CallContext.caller().username());
        for (Database d : catalog.listDatabases()) {
            if (!visible.contains(d.name())) {
                continue;
            }
            out.addDbNames(d.name()).addDbIds(d.databaseId()).addCreatedTimestamp(d.createdTimestamp());
        }
        return out.build();
    }

    DescribeDatabaseResponse describeDatabase(DescribeDatabaseRequest r) {
        Database d = catalog.database(db(r.getDbName()));
        visibility.requireDatabase(CallContext.caller().username(), d.name());
        return DescribeDatabaseResponse.newBuilder().setStatus(StatusMapper.success()).setDbName(d.name())
                .setDbID(d.databaseId()).setCreatedTimestamp(d.createdTimestamp())
                .addAllProperties(SchemaMapper.pairs(d.properties())).build();
    }

    Status alterDatabase(AlterDatabaseRequest r) {
        catalog.alterDatabase(db(r.getDbName()), SchemaMapper.keyValues(r.getPropertiesList()),
                r.getDeleteKeysList());
        return StatusMapper.success();
    }

    // ------------------------------------------------------------------ collections

    Status createCollection(CreateCollectionRequest r) {
        if (r.getShardsNum() > maxShardNum) {
            // Milvus's proxy check and message (a plain error there: code 65535, legacy error_code 1).
            throw new MilvusException(dev.vectorvault.common.ErrorCode.UNEXPECTED,
                    "maximum shards's number should be limited to " + maxShardNum);
        }
        io.milvus.grpc.CollectionSchema schema;
        try {
            schema = io.milvus.grpc.CollectionSchema.parseFrom(r.getSchema());
        } catch (InvalidProtocolBufferException e) {
            throw MilvusException.invalidParameter("schema is not a valid CollectionSchema message");
        }
        if (!schema.getName().isEmpty() && !schema.getName().equals(r.getCollectionName())) {
            throw MilvusException.invalidParameter("collection name [" + r.getCollectionName()
                    + "] not matches schema name [" + schema.getName() + "]");
        }
        catalog.createCollection(db(r.getDbName()), r.getCollectionName(), SchemaMapper.fromProto(schema),
                r.getShardsNum(), r.getNumPartitions(), SchemaMapper.consistency(r.getConsistencyLevel()),
                SchemaMapper.keyValues(r.getPropertiesList()));
        return StatusMapper.success();
    }

    DescribeCollectionResponse describeCollection(DescribeCollectionRequest r) {
        Collection c = collectionByNameOrId(db(r.getDbName()), r.getCollectionName(), r.getCollectionID());
        visibility.requireCollection(CallContext.caller().username(), c.database(), c.name());
        return DescribeCollectionResponse.newBuilder()
                .setStatus(StatusMapper.success())
                .setSchema(SchemaMapper.toProto(c.name(), c.schema()))
                .setCollectionID(c.collectionId())
                .setCollectionName(c.name())
                .setDbName(c.database())
                .setDbId(catalog.database(c.database()).databaseId())
                .setShardsNum(c.shardsNum())
                .setConsistencyLevel(SchemaMapper.protoConsistency(c.consistencyLevel()))
                .setCreatedTimestamp(c.createdTimestamp())
                .setCreatedUtcTimestamp(HybridClock.physicalMillis(c.createdTimestamp()))
                .setUpdateTimestamp(c.updatedTimestamp())
                .setUpdateTimestampStr(Long.toString(c.updatedTimestamp()))
                .setNumPartitions(c.partitions().size())
                .addAllAliases(catalog.aliasesOf(c))
                .addAllProperties(SchemaMapper.pairs(c.properties()))
                .addVirtualChannelNames(c.name() + "-v0")
                .addPhysicalChannelNames(c.name() + "-p0")
                .build();
    }

    /**
     * Milvus 2.6's BatchDescribeCollection: one DescribeCollection answer per name, each with its own status (a
     * missing or invisible collection fails its entry, not the call). Collection ids are described too (Milvus reads
     * only the names); an empty request is refused.
     */
    io.milvus.grpc.BatchDescribeCollectionResponse batchDescribeCollection(
            io.milvus.grpc.BatchDescribeCollectionRequest r) {
        if (r.getCollectionNameCount() == 0 && r.getCollectionIDCount() == 0) {
            throw MilvusException.invalidParameter("collection names cannot be empty");
        }
        io.milvus.grpc.BatchDescribeCollectionResponse.Builder out =
                io.milvus.grpc.BatchDescribeCollectionResponse.newBuilder().setStatus(StatusMapper.success());
        for (String name : r.getCollectionNameList()) {
            out.addResponses(describeOne(DescribeCollectionRequest.newBuilder().setDbName(r.getDbName())
                    .setCollectionName(name).build()));
        }
        for (long id : r.getCollectionIDList()) {
            out.addResponses(describeOne(DescribeCollectionRequest.newBuilder().setDbName(r.getDbName())
                    .setCollectionID(id).build()));
        }
        return out.build();
    }

    private DescribeCollectionResponse describeOne(DescribeCollectionRequest r) {
        try {
            return describeCollection(r);
        } catch (MilvusException e) {
            return DescribeCollectionResponse.newBuilder().setStatus(StatusMapper.of(e))
                    .setCollectionName(r.getCollectionName()).setCollectionID(r.getCollectionID()).build();
        }
    }

    /** TruncateCollection: the rows go, the collection (schema, indexes, aliases, grants, load state) stays. */
    io.milvus.grpc.TruncateCollectionResponse truncateCollection(io.milvus.grpc.TruncateCollectionRequest r) {
        catalog.truncateCollection(db(r.getDbName()), r.getCollectionName());
        return io.milvus.grpc.TruncateCollectionResponse.newBuilder().setStatus(StatusMapper.success()).build();
    }

    /**
     * A collection's schema alone, for the REST API's row conversion (RestSchemaService): the privilege check of the
     * call it prepares (insert, upsert, get, delete) has already passed, so no visibility filter applies; the schema
     * never goes back to the client.
     */
    DescribeCollectionResponse schemaForRest(String database, String collection) {
        Collection c = catalog.collection(db(database), collection);
        return DescribeCollectionResponse.newBuilder().setStatus(StatusMapper.success())
                .setSchema(SchemaMapper.toProto(c.name(), c.schema()))
                .setCollectionName(c.name()).setDbName(c.database()).build();
    }

    BoolResponse hasCollection(HasCollectionRequest r) {
        return BoolResponse.newBuilder().setStatus(StatusMapper.success())
                .setValue(catalog.find(db(r.getDbName()), r.getCollectionName()).isPresent()).build();
    }

    /**
     * The collection a request names, or (name empty, as Milvus allows) the one with its {@code collectionID} in the
     * database; an unknown id is 100 as an unknown name is.
     */
    private Collection collectionByNameOrId(String database, String name, long collectionId) {
        if ((name == null || name.isEmpty()) && collectionId != 0) {
            catalog.database(database);
            return catalog.byId(collectionId).filter(c -> c.database().equals(database))
                    .orElseThrow(() -> new MilvusException(dev.vectorvault.common.ErrorCode.COLLECTION_NOT_FOUND,
                            "collection not found[collection=" + collectionId + "]"));
        }
        return catalog.collection(database, name);
    }

    /**
     * Milvus's listing: {@code type = InMemory} lists only loaded collections (partly loaded ones too) with their
     * in-memory percentage; {@code collection_names} lists those collections (aliases resolve, the name is echoed
     * as asked), each of which must exist (100) and, with InMemory, be loaded: otherwise Milvus's plain error
     * "collection not loaded[collection=name]" (65535). SDK v1 waits for a load this way and needs exactly the name
     * it asked for back. Unnamed listings show what the caller's roles see; a named collection it may not see is
     * refused as DescribeCollection refuses it. (Milvus ignores the names when the type is All; they filter here
     * too, never silently ignored.)
     */
    ShowCollectionsResponse showCollections(ShowCollectionsRequest r) {
        ShowCollectionsResponse.Builder out = ShowCollectionsResponse.newBuilder().setStatus(StatusMapper.success());
        String database = db(r.getDbName());
        String user = CallContext.caller().username();
        boolean inMemory = r.getType() == ShowType.InMemory;
        Map<String, Collection> listed = new java.util.LinkedHashMap<>();
        if (r.getCollectionNamesCount() > 0) {
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (String name : r.getCollectionNamesList()) {
                Collection c = catalog.collection(database, name);
                visibility.requireCollection(user, c.database(), c.name());
                if (inMemory && !c.loaded()) {
                    throw new MilvusException(dev.vectorvault.common.ErrorCode.UNEXPECTED,
                            "collection not loaded[collection=" + name + "]");
                }
                if (seen.add(c.collectionId())) {
                    listed.put(name, c);
                }
            }
        } else {
            VisibleNames visible = visibility.collections(user, database);
            for (Collection c : catalog.listCollections(database)) {
                if (visible.contains(c.name()) && (!inMemory || c.loaded())) {
                    listed.put(c.name(), c);
                }
            }
        }
        for (Map.Entry<String, Collection> entry : listed.entrySet()) {
            Collection c = entry.getValue();
            out.addCollectionNames(entry.getKey()).addCollectionIds(c.collectionId())
                    .addCreatedTimestamps(c.createdTimestamp())
                    .addCreatedUtcTimestamps(HybridClock.physicalMillis(c.createdTimestamp()))
                    .addInMemoryPercentages(c.loaded() ? 100 : 0)
                    .addQueryServiceAvailable(c.loaded())
                    .addShardsNum(c.shardsNum());
        }
        return out.build();
    }

    Status dropCollection(DropCollectionRequest r) {
        String database = db(r.getDbName());
        // Grants name collections, never aliases.
        java.util.Optional<Collection> found = catalog.find(database, r.getCollectionName());
        java.util.Optional<String> dropped = found.map(Collection::name);
        catalog.dropCollection(database, r.getCollectionName());
        dropped.ifPresent(name -> rbac.collectionDropped(database, name));
        found.ifPresent(c -> replicaLoads.released(c.collectionId()));
        return StatusMapper.success();
    }

    Status renameCollection(RenameCollectionRequest r) {
        String database = db(r.getDbName());
        catalog.renameCollection(database, r.getOldName(), r.getNewDBName(), r.getNewName());
        rbac.collectionRenamed(database, r.getOldName(),
                r.getNewDBName().isEmpty() ? database : r.getNewDBName(), r.getNewName());
        return StatusMapper.success();
    }

    Status alterCollection(AlterCollectionRequest r) {
        catalog.alterProperties(db(r.getDbName()), r.getCollectionName(),
                SchemaMapper.keyValues(r.getPropertiesList()), r.getDeleteKeysList());
        return StatusMapper.success();
    }

    /** AddCollectionField: a nullable scalar field added to an existing collection (Milvus 2.6's rules). */
    Status addCollectionField(io.milvus.grpc.AddCollectionFieldRequest r) {
        io.milvus.grpc.FieldSchema field;
        try {
            field = io.milvus.grpc.FieldSchema.parseFrom(r.getSchema());
        } catch (InvalidProtocolBufferException e) {
            throw MilvusException.invalidParameter("schema is not a valid FieldSchema message");
        }
        String database = db(r.getDbName());
        Collection c = collectionByNameOrId(database, r.getCollectionName(), r.getCollectionID());
        catalog.addField(database, c.name(), SchemaMapper.fieldFromProto(field));
        return StatusMapper.success();
    }

    /*
     * Add/Alter/DropCollectionFunction with Milvus 2.6's checks and messages, in its order. Milvus refuses to add, alter
     * or drop a BM25 function, and BM25 is the only function type this server runs (the others call embedding or
     * rerank model providers), so every call that would change a schema is refused; a drop of a function the
     * collection does not have succeeds without a change, as in Milvus.
     */

    Status addCollectionFunction(io.milvus.grpc.AddCollectionFunctionRequest r) {
        io.milvus.grpc.FunctionSchema function = functionSchema(r.hasFunctionSchema(), r.getFunctionSchema());
        if (function.getType() == io.milvus.grpc.FunctionType.BM25) {
            throw functionRefused("Currently does not support adding BM25 function");
        }
        collectionByNameOrId(db(r.getDbName()), r.getCollectionName(), r.getCollectionID());
        throw FunctionSchema.unsupportedType(function.getType().name(), function.getName());
    }

    Status alterCollectionFunction(io.milvus.grpc.AlterCollectionFunctionRequest r) {
        io.milvus.grpc.FunctionSchema function = functionSchema(r.hasFunctionSchema(), r.getFunctionSchema());
        if (function.getType() == io.milvus.grpc.FunctionType.BM25) {
            throw functionRefused("Currently does not support alter BM25 function");
        }
        if (!r.getFunctionName().equals(function.getName())) {
            throw functionRefused("Invalid function config, name not match");
        }
        Collection c = collectionByNameOrId(db(r.getDbName()), r.getCollectionName(), r.getCollectionID());
        FunctionSchema existing = function(c, r.getFunctionName())
                .orElseThrow(() -> functionRefused("Function " + r.getFunctionName() + " not found"));
        if (FunctionSchema.BM25.equals(existing.type())) {
            throw functionRefused("Currently does not support alter BM25 function");
        }
        throw FunctionSchema.unsupportedType(function.getType().name(), function.getName());
    }

    Status dropCollectionFunction(io.milvus.grpc.DropCollectionFunctionRequest r) {
        Collection c = collectionByNameOrId(db(r.getDbName()), r.getCollectionName(), r.getCollectionID());
        Optional<FunctionSchema> existing = function(c, r.getFunctionName());
        if (existing.isEmpty()) {
            return StatusMapper.success();
        }
        if (FunctionSchema.BM25.equals(existing.get().type())) {
            throw functionRefused("Currently does not support droping BM25 function"); // sic: Milvus's message
        }
        throw FunctionSchema.unsupportedType(existing.get().type(), existing.get().name());
    }

    private static io.milvus.grpc.FunctionSchema functionSchema(boolean present, io.milvus.grpc.FunctionSchema f) {
        if (!present) {
            throw functionRefused("Function Schema is empty");
        }
        return f;
    }

    private static Optional<FunctionSchema> function(Collection c, String name) {
        return c.schema().functions().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Milvus's proxy raises these as plain errors, which reach the wire as its unexpected-error status. */
    private static MilvusException functionRefused(String reason) {
        return new MilvusException(dev.vectorvault.common.ErrorCode.UNEXPECTED, reason);
    }

    /** AlterCollectionField: {@code max_length} / {@code max_capacity}, Milvus 2.6's rules. */
    Status alterCollectionField(io.milvus.grpc.AlterCollectionFieldRequest r) {
        catalog.alterField(db(r.getDbName()), r.getCollectionName(), r.getFieldName(),
                SchemaMapper.keyValues(r.getPropertiesList()), r.getDeleteKeysList());
        return StatusMapper.success();
    }

    GetCollectionStatisticsResponse collectionStatistics(GetCollectionStatisticsRequest r) {
        Collection c = catalog.collection(db(r.getDbName()), r.getCollectionName());
        return GetCollectionStatisticsResponse.newBuilder().setStatus(StatusMapper.success())
                .addStats(rowCount(rowCounts.applyAsLong(c.collectionId(), -1L))).build();
    }

    // ------------------------------------------------------------------ partitions

    Status createPartition(CreatePartitionRequest r) {
        catalog.createPartition(db(r.getDbName()), r.getCollectionName(), r.getPartitionName());
        return StatusMapper.success();
    }

    Status dropPartition(DropPartitionRequest r) {
        catalog.dropPartition(db(r.getDbName()), r.getCollectionName(), r.getPartitionName());
        return StatusMapper.success();
    }

    BoolResponse hasPartition(HasPartitionRequest r) {
        Collection c = catalog.collection(db(r.getDbName()), r.getCollectionName());
        return BoolResponse.newBuilder().setStatus(StatusMapper.success())
                .setValue(c.partition(r.getPartitionName()).isPresent()).build();
    }

    /**
     * Milvus's listing: {@code type = InMemory} lists only loaded partitions; {@code partition_names} lists those
     * partitions, each of which must exist (200) and, with InMemory, be loaded (201 "partition not loaded"), which
     * is how SDK v1 waits for LoadPartitions. The collection may be named or given by {@code collectionID}.
     */
    ShowPartitionsResponse showPartitions(ShowPartitionsRequest r) {
        Collection c = collectionByNameOrId(db(r.getDbName()), r.getCollectionName(), r.getCollectionID());
        boolean inMemory = r.getType() == ShowType.InMemory;
        List<Partition> listed = new java.util.ArrayList<>();
        if (r.getPartitionNamesCount() > 0) {
            for (String name : new java.util.LinkedHashSet<>(r.getPartitionNamesList())) {
                Partition p = partition(c, name);
                if (inMemory && !p.loaded()) {
                    throw new MilvusException(dev.vectorvault.common.ErrorCode.PARTITION_NOT_LOADED,
                            "partition not loaded[partition=" + p.partitionId() + "]");
                }
                listed.add(p);
            }
        } else {
            c.partitions().stream().filter(p -> !inMemory || p.loaded()).forEach(listed::add);
        }
        ShowPartitionsResponse.Builder out = ShowPartitionsResponse.newBuilder().setStatus(StatusMapper.success());
        for (Partition p : listed) {
            out.addPartitionNames(p.name()).addPartitionIDs(p.partitionId())
                    .addCreatedTimestamps(p.createdTimestamp())
                    .addCreatedUtcTimestamps(HybridClock.physicalMillis(p.createdTimestamp()))
                    .addInMemoryPercentages(p.loaded() ? 100 : 0);
        }
        return out.build();
    }

    GetPartitionStatisticsResponse partitionStatistics(GetPartitionStatisticsRequest r) {
        Collection c = catalog.collection(db(r.getDbName()), r.getCollectionName());
        Partition p = partition(c, r.getPartitionName());
        return GetPartitionStatisticsResponse.newBuilder().setStatus(StatusMapper.success())
                .addStats(rowCount(rowCounts.applyAsLong(c.collectionId(), p.partitionId()))).build();
    }

    static Partition partition(Collection c, String name) {
        return c.partition(name).orElseThrow(() -> Catalog.partitionNotFound(name));
    }

    private static KeyValuePair rowCount(long rows) {
        return KeyValuePair.newBuilder().setKey("row_count").setValue(Long.toString(rows)).build();
    }

    // ------------------------------------------------------------------ aliases

    Status createAlias(CreateAliasRequest r) {
        catalog.createAlias(db(r.getDbName()), r.getAlias(), r.getCollectionName());
        return StatusMapper.success();
    }

    Status dropAlias(DropAliasRequest r) {
        catalog.dropAlias(db(r.getDbName()), r.getAlias());
        return StatusMapper.success();
    }

    Status alterAlias(AlterAliasRequest r) {
        catalog.alterAlias(db(r.getDbName()), r.getAlias(), r.getCollectionName());
        return StatusMapper.success();
    }

    DescribeAliasResponse describeAlias(DescribeAliasRequest r) {
        String database = db(r.getDbName());
        Collection target = catalog.aliasTarget(database, r.getAlias());
        return DescribeAliasResponse.newBuilder().setStatus(StatusMapper.success()).setDbName(database)
                .setAlias(r.getAlias()).setCollection(target.name()).build();
    }

    ListAliasesResponse listAliases(ListAliasesRequest r) {
        String database = db(r.getDbName());
        return ListAliasesResponse.newBuilder().setStatus(StatusMapper.success()).setDbName(database)
                .setCollectionName(r.getCollectionName())
                .addAllAliases(catalog.listAliases(database, r.getCollectionName())).build();
    }

    // ------------------------------------------------------------------ indexes and load state

    Status createIndex(CreateIndexRequest r) {
        Map<String, String> extra = SchemaMapper.keyValues(r.getExtraParamsList());
        String type = extra.remove("index_type");
        String metric = extra.remove("metric_type");
        String nested = extra.remove("params");
        Map<String, String> params = new java.util.LinkedHashMap<>(extra);
        if (nested != null && !nested.isBlank()) {
            params.putAll(JsonParams.flatStringMap(nested));
        }
        indexes.create(db(r.getDbName()), r.getCollectionName(), r.getFieldName(), r.getIndexName(), type,
                RequestedMetric.parse(metric), params);
        return StatusMapper.success();
    }

    /**
     * Build progress of the index on a field: (collection, field name) to rows indexed, pending, total. Until the
     * server wires it, every live row counts as indexed (exact search needs no build).
     */
    private volatile java.util.function.BiFunction<Collection, String, dev.vectorvault.storage.data.IndexProgress>
            indexProgress = this::allRowsIndexed;

    private dev.vectorvault.storage.data.IndexProgress allRowsIndexed(Collection c, String field) {
        long rows = rowCounts.applyAsLong(c.collectionId(), -1L);
        return new dev.vectorvault.storage.data.IndexProgress(rows, rows, 0, "");
    }

    void indexProgress(java.util.function.BiFunction<Collection, String,
            dev.vectorvault.storage.data.IndexProgress> source) {
        this.indexProgress = source;
    }

    /** Milvus's state for a progress: Finished once nothing is pending, Failed when a build failed. */
    private static IndexState stateOf(dev.vectorvault.storage.data.IndexProgress progress) {
        if (progress.failed()) {
            return IndexState.Failed;
        }
        return progress.finished() ? IndexState.Finished : IndexState.InProgress;
    }

    DescribeIndexResponse describeIndex(DescribeIndexRequest r) {
        String database = db(r.getDbName());
        Collection c = catalog.collection(database, r.getCollectionName());
        DescribeIndexResponse.Builder out = DescribeIndexResponse.newBuilder().setStatus(StatusMapper.success());
        for (IndexDefinition index : indexes.describe(database, r.getCollectionName(), r.getFieldName(),
                r.getIndexName())) {
            dev.vectorvault.storage.data.IndexProgress progress = indexProgress.apply(c, index.fieldName());
            out.addIndexDescriptions(IndexDescription.newBuilder()
                    .setIndexName(index.indexName()).setIndexID(index.indexId()).setFieldName(index.fieldName())
                    .addAllParams(indexParams(index))
                    .setState(stateOf(progress)).setIndexStateFailReason(progress.failure())
                    .setIndexedRows(progress.indexedRows()).setTotalRows(progress.totalRows())
                    .setPendingIndexRows(progress.pendingRows()));
        }
        return out.build();
    }

    /**
     * Milvus's GetIndexStatistics: the collection's index descriptions (one named index, or all), with the same
     * parameters, state and row counts as DescribeIndex. Milvus fills it from the same index metadata.
     */
    io.milvus.grpc.GetIndexStatisticsResponse getIndexStatistics(io.milvus.grpc.GetIndexStatisticsRequest r) {
        DescribeIndexResponse described = describeIndex(DescribeIndexRequest.newBuilder().setDbName(r.getDbName())
                .setCollectionName(r.getCollectionName()).setIndexName(r.getIndexName()).build());
        return io.milvus.grpc.GetIndexStatisticsResponse.newBuilder().setStatus(described.getStatus())
                .addAllIndexDescriptions(described.getIndexDescriptionsList()).build();
    }

    /** The progress of every index a request matches, summed; failed wins over pending. */
    private dev.vectorvault.storage.data.IndexProgress progressOf(String database, String collection, String field,
                                                                  String indexName) {
        Collection c = catalog.collection(database, collection);
        long total = 0;
        long indexed = 0;
        long pending = 0;
        String failure = "";
        for (IndexDefinition index : indexes.describe(database, collection, field, indexName)) {
            dev.vectorvault.storage.data.IndexProgress progress = indexProgress.apply(c, index.fieldName());
            total += progress.totalRows();
            indexed += progress.indexedRows();
            pending += progress.pendingRows();
            failure = failure.isEmpty() ? progress.failure() : failure;
        }
        return new dev.vectorvault.storage.data.IndexProgress(total, indexed, pending, failure);
    }

    private static List<KeyValuePair> indexParams(IndexDefinition index) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("index_type", index.indexType());
        index.metric().ifPresent(metric -> params.put("metric_type", metric.wireName()));
        if (!index.params().isEmpty()) {
            params.put("params", JsonParams.toJson(index.params()));
        }
        return SchemaMapper.pairs(params);
    }

    /** Index properties Milvus 2.6's AlterIndex accepts; none would change anything here. */
    private static final java.util.List<String> INDEX_PROPERTIES_NOT_ACTED_ON = java.util.List.of("mmap.enabled",
            "warmup", "warmup.scalarIndex", "warmup.vectorIndex");

    /**
     * AlterIndex. Milvus 2.6 lets it set only properties of how an index is held ({@code mmap.enabled}, warmup);
     * indexes are held in memory here, so such a change would do nothing and is refused, naming the property;
     * anything else (an index build or search param) is refused with Milvus's message. The index must exist (700).
     */
    Status alterIndex(io.milvus.grpc.AlterIndexRequest r) {
        String database = db(r.getDbName());
        if (r.getIndexName().isEmpty()) {
            throw MilvusException.invalidParameter("index name is empty");
        }
        indexes.describe(database, r.getCollectionName(), "", r.getIndexName()); // 700 when there is none
        if (r.getExtraParamsCount() == 0 && r.getDeleteKeysCount() == 0) {
            throw MilvusException.invalidParameter("no params or delete keys to alter the index");
        }
        java.util.List<String> keys = new java.util.ArrayList<>();
        r.getExtraParamsList().forEach(p -> keys.add(p.getKey()));
        keys.addAll(r.getDeleteKeysList());
        for (String key : keys) {
            if (INDEX_PROPERTIES_NOT_ACTED_ON.contains(key)) {
                throw MilvusException.invalidParameter("request field index property " + key + " of AlterIndex is"
                        + " not supported by this server (indexes are held in memory; nothing would change)");
            }
            throw new MilvusException(dev.vectorvault.common.ErrorCode.UNEXPECTED, key
                    + " is not a configable index property");
        }
        return StatusMapper.success();
    }

    GetIndexStateResponse indexState(GetIndexStateRequest r) {
        dev.vectorvault.storage.data.IndexProgress progress = progressOf(db(r.getDbName()), r.getCollectionName(),
                r.getFieldName(), r.getIndexName());
        return GetIndexStateResponse.newBuilder().setStatus(StatusMapper.success()).setState(stateOf(progress))
                .setFailReason(progress.failure()).build();
    }

    GetIndexBuildProgressResponse indexBuildProgress(GetIndexBuildProgressRequest r) {
        dev.vectorvault.storage.data.IndexProgress progress = progressOf(db(r.getDbName()), r.getCollectionName(),
                r.getFieldName(), r.getIndexName());
        return GetIndexBuildProgressResponse.newBuilder().setStatus(StatusMapper.success())
                .setIndexedRows(progress.indexedRows()).setTotalRows(progress.totalRows()).build();
    }

    Status dropIndex(DropIndexRequest r) {
        indexes.drop(db(r.getDbName()), r.getCollectionName(), r.getFieldName(), r.getIndexName());
        return StatusMapper.success();
    }

    Status loadCollection(LoadCollectionRequest r) {
        LoadOptions.checkParams("LoadCollection", r.getLoadParamsMap());
        if (r.getRefresh()) {
            LoadOptions.refresh(catalog, db(r.getDbName()), r.getCollectionName());
            return StatusMapper.success();
        }
        int replicaNumber = r.getReplicaNumber() <= 0 ? 1 : r.getReplicaNumber();
        List<String> replicaGroups = replicaLoads.check(replicaNumber, r.getResourceGroupsList());
        indexes.load(db(r.getDbName()), r.getCollectionName(), r.getLoadFieldsList(), r.getSkipLoadDynamicField());
        catalog.find(db(r.getDbName()), r.getCollectionName())
                .ifPresent(c -> replicaLoads.loaded(c, replicaGroups));
        return StatusMapper.success();
    }

    /** GetReplicas: the loaded collection's replicas (by collection_name, else collectionID). */
    io.milvus.grpc.GetReplicasResponse getReplicas(io.milvus.grpc.GetReplicasRequest r) {
        Collection c = r.getCollectionName().isEmpty()
                ? catalog.byId(r.getCollectionID()).orElseThrow(() -> new MilvusException(
                        dev.vectorvault.common.ErrorCode.COLLECTION_NOT_FOUND, "collection not found[collection=" + r.getCollectionID() + "]"))
                : catalog.find(db(r.getDbName()), r.getCollectionName()).orElseThrow(() -> new MilvusException(
                        dev.vectorvault.common.ErrorCode.COLLECTION_NOT_FOUND, "collection not found[collection=" + r.getCollectionName()
                        + "]"));
        if (!c.loaded()) {
            throw new MilvusException(dev.vectorvault.common.ErrorCode.COLLECTION_NOT_LOADED, "collection not loaded[collection="
                    + c.collectionId() + "]");
        }
        return io.milvus.grpc.GetReplicasResponse.newBuilder().setStatus(StatusMapper.success())
                .addAllReplicas(replicaLoads.describe(c, r.getWithShardNodes())).build();
    }

    /** Loads the named partitions besides those already loaded (Milvus 2.4+: partitions load on their own). */
    Status loadPartitions(LoadPartitionsRequest r) {
        LoadOptions.checkParams("LoadPartitions", r.getLoadParamsMap());
        if (r.getRefresh()) {
            LoadOptions.refresh(catalog, db(r.getDbName()), r.getCollectionName());
            return StatusMapper.success();
        }
        // Replicas are placed per collection (LoadCollection); a partition load that asks for more is refused rather
        // than served with one replica.
        if (r.getReplicaNumber() > 1) {
            replicaLoads.check(r.getReplicaNumber(), r.getResourceGroupsList());
            throw MilvusException.invalidParameter("replica_number " + r.getReplicaNumber() + " is not supported by"
                    + " LoadPartitions here: load the collection with LoadCollection(replica_number="
                    + r.getReplicaNumber() + ") instead");
        }
        List<String> replicaGroups = r.getResourceGroupsList().isEmpty() ? null
                : replicaLoads.check(1, r.getResourceGroupsList());
        indexes.loadPartitions(db(r.getDbName()), r.getCollectionName(), r.getPartitionNamesList(),
                r.getLoadFieldsList(), r.getSkipLoadDynamicField());
        if (replicaGroups != null) {
            catalog.find(db(r.getDbName()), r.getCollectionName())
                    .ifPresent(c -> replicaLoads.loaded(c, replicaGroups));
        }
        return StatusMapper.success();
    }

    Status releaseCollection(ReleaseCollectionRequest r) {
        indexes.release(db(r.getDbName()), r.getCollectionName());
        catalog.find(db(r.getDbName()), r.getCollectionName())
                .ifPresent(c -> replicaLoads.released(c.collectionId()));
        return StatusMapper.success();
    }

    /**
     * Releases the named partitions; the others stay loaded and searchable. Releasing the last loaded one releases the
     * collection, its replicas included, as ReleaseCollection does.
     */
    Status releasePartitions(ReleasePartitionsRequest r) {
        indexes.releasePartitions(db(r.getDbName()), r.getCollectionName(), r.getPartitionNamesList());
        catalog.find(db(r.getDbName()), r.getCollectionName()).filter(c -> !c.loaded())
                .ifPresent(c -> replicaLoads.released(c.collectionId()));
        return StatusMapper.success();
    }

    /**
     * Milvus's load state: an unknown collection is Success with NotExist; without partition names the collection is
     * Loaded while any partition is (a partial load serves); with names, Loaded only when every named partition is
     * (an unknown one is 200). Loading completes within the call here, so nothing is ever Loading.
     */
    GetLoadStateResponse loadState(GetLoadStateRequest r) {
        String database = db(r.getDbName());
        catalog.database(database);
        java.util.Optional<Collection> found = catalog.find(database, r.getCollectionName());
        GetLoadStateResponse.Builder out = GetLoadStateResponse.newBuilder().setStatus(StatusMapper.success());
        if (found.isEmpty()) {
            return out.setState(LoadState.LoadStateNotExist).build();
        }
        Collection c = found.get();
        List<Partition> named = r.getPartitionNamesList().stream().map(p -> partition(c, p)).toList();
        boolean loaded = named.isEmpty() ? c.loaded() : named.stream().allMatch(Partition::loaded);
        return out.setState(loaded ? LoadState.LoadStateLoaded : LoadState.LoadStateNotLoad).build();
    }

    /**
     * 100 once loaded (loads complete within the call). Not loaded: 101 for the collection, 201 "partition not
     * loaded" when a named partition is not, as Milvus answers.
     */
    GetLoadingProgressResponse loadingProgress(GetLoadingProgressRequest r) {
        Collection c = catalog.collection(db(r.getDbName()), r.getCollectionName());
        List<Partition> named = r.getPartitionNamesList().stream().map(p -> partition(c, p)).toList();
        if (named.isEmpty() && !c.loaded()) {
            throw new MilvusException(dev.vectorvault.common.ErrorCode.COLLECTION_NOT_LOADED,
                    "collection not loaded[collection=" + c.name() + "]");
        }
        for (Partition p : named) {
            if (!p.loaded()) {
                throw new MilvusException(dev.vectorvault.common.ErrorCode.PARTITION_NOT_LOADED,
                        "partition not loaded[partition=" + p.partitionId() + "]");
            }
        }
        return GetLoadingProgressResponse.newBuilder().setStatus(StatusMapper.success()).setProgress(100)
                .setRefreshProgress(100).build();
    }

    AllocTimestampResponse allocTimestamp() {
        return AllocTimestampResponse.newBuilder().setStatus(StatusMapper.success()).setTimestamp(clock.next())
                .build();
    }
}
