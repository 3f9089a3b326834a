package dev.vectorvault.server;

import static dev.vectorvault.server.RestApi.array;
import static dev.vectorvault.server.RestApi.check;
import static dev.vectorvault.server.RestApi.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.ErrorCode;
import io.milvus.grpc.*;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The REST v2 routes, one per endpoint the Node SDK's {@code HttpClient} calls (plus privilege groups and the v2
 * grant calls): each builds the gRPC request it stands for, in the body's database, and maps the answer to the
 * envelope's {@code data} as Milvus does. Calls that need the collection's schema to build their request (insert,
 * upsert, get, delete by id) read it first through {@link RestSchemaService}, which checks their privilege.
 */
final class RestRoutes {
    private RestRoutes() {}

    static void register(Map<String, RestApi.Route> routes) {
        collections(routes);
        entities(routes);
        partitions(routes);
        aliases(routes);
        indexes(routes);
        databases(routes);
        users(routes);
        roles(routes);
    }

    // ------------------------------------------------------------------ collections

    private static void collections(Map<String, RestApi.Route> routes) {
        routes.put("collections/create", RestRoutes::createCollection);
        routes.put("collections/describe", RestRoutes::describeCollection);
        routes.put("collections/list", call -> {
            ShowCollectionsResponse r = call.rpc().showCollections(ShowCollectionsRequest.newBuilder()
                    .setDbName(call.db()).build());
            check(r.getStatus());
            return strings(r.getCollectionNamesList());
        });
        routes.put("collections/has", call -> {
            BoolResponse r = call.rpc().hasCollection(HasCollectionRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(call.required("collectionName")).build());
            check(r.getStatus());
            return object().put("has", r.getValue());
        });
        routes.put("collections/drop", call -> done(call.rpc().dropCollection(DropCollectionRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName")).build())));
        routes.put("collections/load", call -> done(call.rpc().loadCollection(LoadCollectionRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName")).build())));
        routes.put("collections/release", call -> done(call.rpc().releaseCollection(
                ReleaseCollectionRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName")).build())));
        routes.put("collections/get_load_state", call -> {
            GetLoadStateResponse r = call.rpc().getLoadState(GetLoadStateRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(call.required("collectionName"))
                    .addAllPartitionNames(call.strings("partitionNames")).build());
            check(r.getStatus());
            ObjectNode data = object().put("loadState", r.getState().name());
            if (r.getState() == LoadState.LoadStateLoaded) {
                data.put("loadProgress", 100);
            }
            return data;
        });
        routes.put("collections/get_stats", call -> {
            GetCollectionStatisticsResponse r = call.rpc().getCollectionStatistics(
                    GetCollectionStatisticsRequest.newBuilder().setDbName(call.db())
                            .setCollectionName(call.required("collectionName")).build());
            check(r.getStatus());
            return object().put("rowCount", rowCount(r.getStatsList()));
        });
        routes.put("collections/rename", call -> done(call.rpc().renameCollection(
                RenameCollectionRequest.newBuilder().setDbName(call.db())
                        .setOldName(call.required("collectionName"))
                        .setNewName(call.required("newCollectionName"))
                        .setNewDBName(call.text("newDbName", "")).build())));
        routes.put("collections/flush", call -> {
            FlushResponse r = call.rpc().flush(FlushRequest.newBuilder().setDbName(call.db())
                    .addCollectionNames(call.required("collectionName")).build());
            check(r.getStatus());
            return object();
        });
    }

    private static JsonNode createCollection(RestApi.Call call) {
        String name = call.required("collectionName");
        JsonNode schemaNode = call.body.get("schema");
        CreateCollectionRequest.Builder request = CreateCollectionRequest.newBuilder().setDbName(call.db())
                .setCollectionName(name);
        JsonNode params = call.body.get("params");
        List<CreateIndexRequest> indexes = new ArrayList<>();
        CollectionSchema.Builder schema = CollectionSchema.newBuilder().setName(name)
                .setDescription(call.text("description", ""));
        boolean quickSetup = schemaNode == null || schemaNode.isNull();
        if (quickSetup) {
            long dim = call.integer("dimension", 0);
            if (dim <= 0) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: dimension is required (or give a schema)");
            }
            String primary = call.text("primaryFieldName", "id");
            String vector = call.text("vectorFieldName", "vector");
            DataType idType = dataType(call.text("idType", "Int64"));
            FieldSchema.Builder pk = FieldSchema.newBuilder().setName(primary).setDataType(idType)
                    .setIsPrimaryKey(true).setAutoID(call.bool("autoID", false));
            if (idType == DataType.VarChar) {
                pk.addTypeParams(pair("max_length", paramText(params, "max_length", "65535")));
            } else if (idType != DataType.Int64) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "idType must be Int64 or VarChar, got " + idType);
            }
            schema.addFields(pk).addFields(FieldSchema.newBuilder().setName(vector)
                    .setDataType(DataType.FloatVector).addTypeParams(pair("dim", Long.toString(dim))))
                    .setEnableDynamicField(paramBool(params, "enableDynamicField", true));
            indexes.add(CreateIndexRequest.newBuilder().setDbName(call.db()).setCollectionName(name)
                    .setFieldName(vector).setIndexName(vector)
                    .addExtraParams(pair("index_type", "AUTOINDEX"))
                    .addExtraParams(pair("metric_type", call.text("metricType", "COSINE"))).build());
        } else {
            if (!schemaNode.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "schema must be an object");
            }
            schema.setAutoID(bool(schemaNode, "autoID", false))
                    .setEnableDynamicField(bool(schemaNode, "enableDynamicField", false));
            JsonNode fields = schemaNode.get("fields");
            if (fields == null || !fields.isArray() || fields.isEmpty()) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: schema.fields is required");
            }
            for (JsonNode field : fields) {
                schema.addFields(field(field, schemaNode));
            }
            JsonNode functions = schemaNode.get("functions");
            if (functions != null && !functions.isNull()) {
                if (!functions.isArray()) {
                    throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "schema.functions must be an array");
                }
                for (JsonNode function : functions) {
                    schema.addFunctions(function(function, "schema.functions[]"));
                }
            }
            JsonNode indexParams = call.body.get("indexParams");
            if (indexParams != null && indexParams.isArray()) {
                for (JsonNode index : indexParams) {
                    indexes.add(indexRequest(call, name, index));
                }
            }
        }
        applyCollectionParams(request, params);
        request.setSchema(schema.build().toByteString());
        check(call.rpc().createCollection(request.build()));
        // As Milvus: with index definitions (always in quick setup) the collection is indexed and loaded.
        for (CreateIndexRequest index : indexes) {
            check(call.rpc().createIndex(index));
        }
        if (!indexes.isEmpty()) {
            check(call.rpc().loadCollection(LoadCollectionRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(name).build()));
        }
        return object();
    }

    /** {@code params} of collections/create: each key is applied or refused, never dropped. */
    private static void applyCollectionParams(CreateCollectionRequest.Builder request, JsonNode params) {
        if (params == null || params.isNull()) {
            return;
        }
        if (!params.isObject()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "params must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString();
            switch (e.getKey()) {
                case "max_length", "enableDynamicField" -> { } // read with the schema (quick setup)
                case "shardsNum" -> request.setShardsNum(Integer.parseInt(value));
                case "partitionsNum" -> request.setNumPartitions(Long.parseLong(value));
                case "consistencyLevel" -> request.setConsistencyLevel(consistency(value));
                case "ttlSeconds" -> request.addProperties(pair("collection.ttl.seconds", value));
                default -> throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "params." + e.getKey()
                        + " is not supported by collections/create");
            }
        }
    }

    static FieldSchema field(JsonNode field, JsonNode schemaNode) {
        String name = text(field, "fieldName");
        if (name == null || name.isEmpty()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: fieldName is required");
        }
        String type = text(field, "dataType");
        if (type == null) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: dataType of field " + name + " is required");
        }
        if (bool(field, "isClusteringKey", false)) {
            // No clustering compaction here: the key would be accepted and then mean nothing.
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "field " + name
                    + ": isClusteringKey is not supported by this server");
        }
        FieldSchema.Builder out = FieldSchema.newBuilder().setName(name).setDataType(dataType(type))
                .setIsPrimaryKey(bool(field, "isPrimary", false))
                .setIsPartitionKey(bool(field, "isPartitionKey", false))
                .setNullable(bool(field, "nullable", false))
                .setDescription(field.hasNonNull("description") ? field.get("description").asText() : "");
        out.setAutoID(out.getIsPrimaryKey() && (bool(field, "autoID", false) || bool(schemaNode, "autoID", false)));
        String element = text(field, "elementDataType");
        if (element != null) {
            out.setElementType(dataType(element));
        }
        JsonNode typeParams = field.get("elementTypeParams");
        if (typeParams != null && typeParams.isObject()) {
            typeParams.fields().forEachRemaining(e -> out.addTypeParams(pair(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString())));
        }
        JsonNode defaultValue = field.get("defaultValue");
        if (defaultValue != null && !defaultValue.isNull()) {
            out.setDefaultValue(defaultValue(out.getDataType(), defaultValue, name));
        }
        return out.build();
    }

    /**
     * One function ({@code name}, {@code type}, {@code inputFieldNames}, {@code outputFieldNames}, optional
     * {@code description} and {@code params}), found at {@code where} in the body (an entry of
     * {@code schema.functions}, or add/alter_function's {@code function}), the path its refusals name; the gRPC call
     * checks it (BM25 only) and marks the output fields.
     */
    static io.milvus.grpc.FunctionSchema function(JsonNode function, String where) {
        if (!function.isObject()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + " must be a JSON object");
        }
        String name = text(function, "name");
        String type = text(function, "type");
        if (name == null || name.isEmpty() || type == null || type.isEmpty()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: " + where + ".name and type are required");
        }
        FunctionType functionType = java.util.Arrays.stream(FunctionType.values())
                .filter(t -> t != FunctionType.UNRECOGNIZED && t.name().equalsIgnoreCase(type)).findFirst()
                .orElseThrow(() -> RestFailure.of(ErrorCode.PARAMETER_INVALID, "function " + name
                        + ": unknown function type " + type));
        io.milvus.grpc.FunctionSchema.Builder out = io.milvus.grpc.FunctionSchema.newBuilder().setName(name)
                .setType(functionType).setDescription(function.hasNonNull("description")
                        ? function.get("description").asText() : "")
                .addAllInputFieldNames(names(function, "inputFieldNames", name))
                .addAllOutputFieldNames(names(function, "outputFieldNames", name));
        out.addAllParams(properties(function.get("params")));
        return out.build();
    }

    private static List<String> names(JsonNode function, String key, String functionName) {
        JsonNode list = function.get(key);
        if (list == null || !list.isArray()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: function " + functionName + ": " + key + " is required");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode name : list) {
            if (!name.isTextual()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "function " + functionName + ": " + key
                        + " must hold field names");
            }
            out.add(name.textValue());
        }
        return out;
    }

    private static ValueField defaultValue(DataType type, JsonNode value, String field) {
        ValueField.Builder out = ValueField.newBuilder();
        switch (type) {
            case Bool -> out.setBoolData(value.asBoolean());
            case Int8, Int16, Int32 -> out.setIntData(value.asInt());
            case Int64 -> out.setLongData(RestData.int64(value, field, 0));
            case Float -> out.setFloatData((float) value.asDouble());
            case Double -> out.setDoubleData(value.asDouble());
            case VarChar, String -> out.setStringData(value.asText());
            default -> throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "field " + field
                    + ": a default value is not supported for type " + type);
        }
        return out.build();
    }

    private static JsonNode describeCollection(RestApi.Call call) {
        String name = call.required("collectionName");
        DescribeCollectionResponse r = describe(call, name);
        ObjectNode data = object().put("collectionName", r.getCollectionName().isEmpty() ? name
                        : r.getCollectionName())
                .put("collectionID", r.getCollectionID())
                .put("description", r.getSchema().getDescription())
                .put("autoId", r.getSchema().getFieldsList().stream().anyMatch(FieldSchema::getAutoID))
                .put("enableDynamicField", r.getSchema().getEnableDynamicField())
                .put("shardsNum", r.getShardsNum())
                .put("partitionsNum", r.getNumPartitions())
                .put("consistencyLevel", r.getConsistencyLevel().name())
                .put("createTime", r.getCreatedTimestamp());
        data.set("aliases", strings(r.getAliasesList()));
        data.set("properties", pairs(r.getPropertiesList()));
        ArrayNode fields = array();
        for (FieldSchema f : r.getSchema().getFieldsList()) {
            ObjectNode field = fields.addObject().put("name", f.getName()).put("id", f.getFieldID())
                    .put("type", f.getDataType().name()).put("primaryKey", f.getIsPrimaryKey())
                    .put("autoId", f.getAutoID()).put("partitionKey", f.getIsPartitionKey())
                    .put("nullable", f.getNullable()).put("description", f.getDescription());
            if (f.getDataType() == DataType.Array) {
                field.put("elementType", f.getElementType().name());
            }
            field.set("params", pairs(f.getTypeParamsList()));
        }
        data.set("fields", fields);
        ArrayNode functions = array();
        for (io.milvus.grpc.FunctionSchema f : r.getSchema().getFunctionsList()) {
            ObjectNode function = functions.addObject().put("name", f.getName()).put("type", f.getType().name())
                    .put("description", f.getDescription());
            function.set("inputFieldNames", strings(f.getInputFieldNamesList()));
            function.set("outputFieldNames", strings(f.getOutputFieldNamesList()));
            function.set("params", pairs(f.getParamsList()));
        }
        data.set("functions", functions);
        // Index and load state as Milvus's describe shows them; each is its own call through the chain (its own
        // privilege), so a caller allowed to describe but not to see index details gets the schema without them.
        ArrayNode indexes = array();
        try {
            DescribeIndexResponse index = call.rpc().describeIndex(DescribeIndexRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(name).build());
            for (IndexDescription d : index.getIndexDescriptionsList()) {
                Map<String, String> params = keyValues(d.getParamsList());
                indexes.addObject().put("fieldName", d.getFieldName()).put("indexName", d.getIndexName())
                        .put("metricType", params.getOrDefault("metric_type", ""));
            }
        } catch (io.grpc.StatusRuntimeException e) {
            // not allowed to see index details: left out
        }
        data.set("indexes", indexes);
        try {
            GetLoadStateResponse load = call.rpc().getLoadState(GetLoadStateRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(name).build());
            if (load.getStatus().getCode() == 0) {
                data.put("load", load.getState().name());
            }
        } catch (io.grpc.StatusRuntimeException e) {
            // not allowed to see the load state: left out
        }
        return data;
    }

    /** DescribeCollection through the chain; failures end the REST call. */
    static DescribeCollectionResponse describe(RestApi.Call call, String collection) {
        DescribeCollectionResponse r = call.rpc().describeCollection(DescribeCollectionRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(collection).build());
        check(r.getStatus());
        return r;
    }

    // ------------------------------------------------------------------ entities

    /**
     * Upsert's {@code fieldOps} as Milvus's REST reads them: {@code [{"fieldName": "tags", "op": "ARRAY_APPEND"}]},
     * the op named as in the proto; another op is refused (1100), never read as REPLACE.
     */
    private static List<FieldPartialUpdateOp> fieldOps(JsonNode ops) {
        List<FieldPartialUpdateOp> out = new ArrayList<>();
        if (ops == null || ops.isNull()) {
            return out;
        }
        if (!ops.isArray()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "fieldOps must be an array");
        }
        for (JsonNode op : ops) {
            String kind = op.path("op").asText("");
            FieldPartialUpdateOp.OpType type = switch (kind) {
                case "REPLACE" -> FieldPartialUpdateOp.OpType.REPLACE;
                case "ARRAY_APPEND" -> FieldPartialUpdateOp.OpType.ARRAY_APPEND;
                case "ARRAY_REMOVE" -> FieldPartialUpdateOp.OpType.ARRAY_REMOVE;
                default -> throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "unsupported partial update op: "
                        + kind);
            };
            out.add(FieldPartialUpdateOp.newBuilder().setFieldName(op.path("fieldName").asText(""))
                    .setOp(type).build());
        }
        return out;
    }

    private static void entities(Map<String, RestApi.Route> routes) {
        routes.put("entities/insert", call -> {
            String name = call.required("collectionName");
            CollectionSchema schema = call.collectionSchema(RestSchemaService.FOR_INSERT,
                    InsertRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build());
            List<FieldData> columns = RestData.columns(schema, call.body.get("data"), false);
            MutationResult r = call.rpc().insert(InsertRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(name).setPartitionName(call.text("partitionName", ""))
                    .addAllFieldsData(columns).setNumRows(call.body.get("data").size()).build());
            check(r.getStatus());
            ObjectNode data = object().put("insertCount", r.getInsertCnt());
            data.set("insertIds", RestData.ids(r.getIDs(), call.int64AsNumber));
            return data;
        });
        routes.put("entities/upsert", call -> {
            String name = call.required("collectionName");
            CollectionSchema schema = call.collectionSchema(RestSchemaService.FOR_UPSERT,
                    UpsertRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build());
            boolean partial = call.bool("partialUpdate", false);
            List<FieldData> columns = RestData.columns(schema, call.body.get("data"), true, partial);
            MutationResult r = call.rpc().upsert(UpsertRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(name).setPartitionName(call.text("partitionName", ""))
                    .addAllFieldsData(columns).setNumRows(call.body.get("data").size()).setPartialUpdate(partial)
                    .addAllFieldOps(fieldOps(call.body.get("fieldOps"))).build());
            check(r.getStatus());
            ObjectNode data = object().put("upsertCount", r.getUpsertCnt());
            data.set("upsertIds", RestData.ids(r.getIDs(), call.int64AsNumber));
            return data;
        });
        routes.put("entities/delete", call -> {
            String name = call.required("collectionName");
            String filter = call.text("filter", "");
            JsonNode ids = call.body.get("id");
            if (filter.isEmpty() && (ids == null || ids.isNull())) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: filter is required");
            }
            if (!filter.isEmpty() && ids != null && !ids.isNull()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "give either filter or id, not both");
            }
            String expr = filter.isEmpty() ? idFilter(call.collectionSchema(RestSchemaService.FOR_DELETE,
                    DeleteRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build()), ids) : filter;
            MutationResult r = call.rpc().delete(DeleteRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(name).setPartitionName(call.text("partitionName", "")).setExpr(expr)
                    .build());
            check(r.getStatus());
            return object();
        });
        routes.put("entities/get", call -> {
            String name = call.required("collectionName");
            JsonNode ids = call.body.get("id");
            if (ids == null || ids.isNull()) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: id is required");
            }
            return query(call, name, idFilter(call.collectionSchema(RestSchemaService.FOR_QUERY,
                    QueryRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build()), ids), -1, 0);
        });
        routes.put("entities/query", call -> {
            String name = call.required("collectionName");
            return query(call, name, call.text("filter", ""), call.integer("limit", -1), call.integer("offset", 0));
        });
        routes.put("entities/search", RestRoutes::search);
        routes.put("entities/hybrid_search", RestRoutes::hybridSearch);
        // Milvus keeps the route's first name for old clients.
        routes.put("entities/advanced_search", RestRoutes::hybridSearch);
    }

    /** {@code pk in [...]} for ids of the collection's primary key type. */
    private static String idFilter(CollectionSchema schema, JsonNode ids) {
        FieldSchema pk = schema.getFieldsList().stream()
                .filter(FieldSchema::getIsPrimaryKey).findFirst()
                .orElseThrow(() -> RestFailure.of(ErrorCode.UNEXPECTED, "collection has no primary key"));
        List<JsonNode> values = new ArrayList<>();
        if (ids.isArray()) {
            ids.forEach(values::add);
        } else {
            values.add(ids);
        }
        if (values.isEmpty()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "id must not be empty");
        }
        StringBuilder expr = new StringBuilder(pk.getName()).append(" in [");
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (i > 0) {
                expr.append(',');
            }
            if (pk.getDataType() == DataType.VarChar) {
                if (!v.isTextual()) {
                    throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "id values must be strings");
                }
                // A JSON string literal is a valid filter string literal (same escapes).
                expr.append(RestApi.toJson(v));
            } else {
                expr.append(RestData.int64(v, "id", i));
            }
        }
        return expr.append(']').toString();
    }

    private static JsonNode query(RestApi.Call call, String name, String filter, long limit, long offset) {
        QueryRequest.Builder request = QueryRequest.newBuilder().setDbName(call.db()).setCollectionName(name)
                .setExpr(filter).addAllOutputFields(call.strings("outputFields"))
                .addAllPartitionNames(call.strings("partitionNames"));
        if (limit > 0) {
            request.addQueryParams(pair("limit", Long.toString(limit)));
        }
        if (offset > 0) {
            request.addQueryParams(pair("offset", Long.toString(offset)));
        }
        String consistency = call.text("consistencyLevel", "");
        if (!consistency.isEmpty()) {
            request.setConsistencyLevel(consistency(consistency));
        }
        QueryResults r = call.rpc().query(request.build());
        check(r.getStatus());
        int rows = r.getFieldsDataCount() == 0 ? 0 : RestData.rowCount(r.getFieldsData(0));
        ArrayNode data = array();
        RestData.rows(r.getFieldsDataList(), rows, call.int64AsNumber).forEach(data::add);
        call.extra.put("cost", 0);
        return data;
    }

    private static JsonNode search(RestApi.Call call) {
        String name = call.required("collectionName");
        JsonNode vectors = call.body.get("data");
        if (vectors == null || vectors.isNull()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: data is required");
        }
        String annsField = call.text("annsField", "");
        QueryVectors queries = new QueryVectors(() -> call.collectionSchema(RestSchemaService.FOR_SEARCH,
                SearchRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build()));
        SearchRequest.Builder request = SearchRequest.newBuilder().setDbName(call.db()).setCollectionName(name)
                .setDsl(call.text("filter", "")).setDslType(DslType.BoolExprV1)
                .addAllOutputFields(call.strings("outputFields"))
                .addAllPartitionNames(call.strings("partitionNames"))
                .setPlaceholderGroup(queries.placeholders(vectors, annsField)).setNq(vectors.size());
        request.addSearchParams(pair("topk", Long.toString(call.integer("limit", 100))));
        request.addSearchParams(pair("anns_field", annsField));
        long offset = call.integer("offset", 0);
        if (offset > 0) {
            request.addSearchParams(pair("offset", Long.toString(offset)));
        }
        String groupBy = call.text("groupingField", "");
        if (!groupBy.isEmpty()) {
            request.addSearchParams(pair("group_by_field", groupBy));
        }
        groupSize(call.body, request::addSearchParams);
        String consistency = call.text("consistencyLevel", "");
        if (!consistency.isEmpty()) {
            request.setConsistencyLevel(consistency(consistency));
        }
        refuseUnsupported(call.body, "");
        searchParams(request, call.body.get("searchParams"));
        SearchResults r = call.rpc().search(request.build());
        check(r.getStatus());
        return hits(call, r.getResults());
    }

    /**
     * Milvus's {@code entities/hybrid_search}: each entry of {@code search} becomes a sub-request (its vectors, field,
     * filter, metric, limit, offset and {@code params}), {@code rerank} the ranker ({@code strategy} rrf or weighted
     * with its {@code params}), and the whole goes through the same HybridSearch as gRPC.
     */
    private static JsonNode hybridSearch(RestApi.Call call) {
        String name = call.required("collectionName");
        JsonNode subs = call.body.get("search");
        if (subs == null || !subs.isArray() || subs.isEmpty()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: search is required");
        }
        refuseUnsupported(call.body, "");
        HybridSearchRequest.Builder request = HybridSearchRequest.newBuilder().setDbName(call.db())
                .setCollectionName(name).addAllOutputFields(call.strings("outputFields"))
                .addAllPartitionNames(call.strings("partitionNames"));
        QueryVectors queries = new QueryVectors(() -> call.collectionSchema(RestSchemaService.FOR_HYBRID_SEARCH,
                HybridSearchRequest.newBuilder().setDbName(call.db()).setCollectionName(name).build()));
        for (int i = 0; i < subs.size(); i++) {
            JsonNode sub = subs.get(i);
            String where = "search[" + i + "].";
            if (!sub.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + " must be an object");
            }
            JsonNode vectors = sub.get("data");
            if (vectors == null || vectors.isNull()) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: " + where + "data is required");
            }
            refuseUnsupported(sub, where);
            String annsField = RestApi.text(sub, where, "annsField", "");
            SearchRequest.Builder one = SearchRequest.newBuilder().setDbName(call.db()).setCollectionName(name)
                    .setDsl(RestApi.text(sub, where, "filter", "")).setDslType(DslType.BoolExprV1)
                    .setPlaceholderGroup(queries.placeholders(vectors, annsField)).setNq(vectors.size());
            one.addSearchParams(pair("anns_field", annsField));
            long subLimit = RestApi.integer(sub, where, "limit", 0);
            if (subLimit > 0) { // else the hybrid search's limit + offset, as HybridSearch decides
                one.addSearchParams(pair("topk", Long.toString(subLimit)));
            }
            long offset = RestApi.integer(sub, where, "offset", 0);
            if (offset > 0) {
                one.addSearchParams(pair("offset", Long.toString(offset)));
            }
            String metric = RestApi.text(sub, where, "metricType", "");
            if (!metric.isEmpty()) {
                one.addSearchParams(pair("metric_type", metric));
            }
            String grouping = RestApi.text(sub, where, "groupingField", "");
            if (!grouping.isEmpty()) {
                one.addSearchParams(pair("group_by_field", grouping)); // refused by HybridSearch, naming requests[i]
            }
            JsonNode params = sub.get("params");
            if (params != null && !params.isNull()) {
                ObjectNode wrapped = object();
                wrapped.set("params", params);
                searchParams(one, wrapped);
            }
            request.addRequests(one.build());
        }
        JsonNode rerank = call.body.get("rerank");
        if (rerank != null && !rerank.isNull()) {
            if (!rerank.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "rerank must be an object");
            }
            String strategy = RestApi.text(rerank, "rerank.", "strategy", "");
            if (!strategy.isEmpty()) {
                request.addRankParams(pair("strategy", strategy));
            }
            JsonNode rankParams = rerank.get("params");
            if (rankParams != null && !rankParams.isNull()) {
                request.addRankParams(pair("params", RestApi.toJson(rankParams)));
            }
        }
        request.addRankParams(pair("limit", Long.toString(call.integer("limit", 100))));
        long offset = call.integer("offset", 0);
        if (offset > 0) {
            request.addRankParams(pair("offset", Long.toString(offset)));
        }
        String groupBy = call.text("groupingField", "");
        if (!groupBy.isEmpty()) {
            request.addRankParams(pair("group_by_field", groupBy));
        }
        groupSize(call.body, request::addRankParams);
        String consistency = call.text("consistencyLevel", "");
        if (!consistency.isEmpty()) {
            request.setConsistencyLevel(consistency(consistency));
        }
        SearchResults r = call.rpc().hybridSearch(request.build());
        check(r.getStatus());
        return hits(call, r.getResults());
    }

    /**
     * A search's query vectors, read in the type of the field they search; the collection's schema is read (once, with
     * the search's own privilege) only when their JSON shape does not already say they are float vectors.
     */
    private static final class QueryVectors {
        private final java.util.function.Supplier<CollectionSchema> read;
        private CollectionSchema schema;

        QueryVectors(java.util.function.Supplier<CollectionSchema> read) {
            this.read = read;
        }

        com.google.protobuf.ByteString placeholders(JsonNode data, String annsField) {
            FieldSchema field = null;
            if (RestVectors.needsSchema(data)) {
                if (schema == null) {
                    schema = read.get();
                }
                field = RestVectors.searchField(schema, annsField).orElse(null);
            }
            return RestVectors.placeholders(data, field);
        }
    }

    /** Milvus's {@code groupSize} / {@code strictGroupSize} of a grouped search, as the search parameters carry them. */
    private static void groupSize(JsonNode body, java.util.function.Consumer<KeyValuePair> params) {
        long size = RestApi.integer(body, "", "groupSize", 0);
        if (size != 0) {
            params.accept(pair("group_size", Long.toString(size)));
        }
        JsonNode strict = body.get("strictGroupSize");
        if (strict != null && !strict.isNull()) {
            if (!strict.isBoolean()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "strictGroupSize must be true or false");
            }
            params.accept(pair("strict_group_size", Boolean.toString(strict.booleanValue())));
        }
    }

    /**
     * Fields Milvus's REST search bodies accept that this server does not act on, refused rather than dropped:
     * {@code exprParams} (filter template values) and the old {@code params} (superseded by {@code searchParams},
     * or in a hybrid sub-request the search parameters themselves).
     */
    private static void refuseUnsupported(JsonNode body, String where) {
        JsonNode templates = body.get("exprParams");
        if (templates != null && !templates.isNull() && !templates.isEmpty()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "request field " + where + "exprParams is not supported"
                    + " by this server's REST API: write the values into the filter");
        }
        JsonNode legacy = body.get("params");
        if (where.isEmpty() && legacy != null && !legacy.isNull() && !legacy.isEmpty()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "request field params is not supported by this server's"
                    + " REST API: use searchParams");
        }
    }

    /** A search's hits as Milvus's REST rows: output fields, the primary key, {@code distance}; {@code topks} for nq > 1. */
    private static JsonNode hits(RestApi.Call call, SearchResultData results) {
        int hits = results.getScoresCount();
        List<ObjectNode> rows = RestData.rows(results.getFieldsDataList(), hits, call.int64AsNumber);
        ArrayNode ids = RestData.ids(results.getIds(), call.int64AsNumber);
        String pk = results.getPrimaryFieldName();
        ArrayNode data = array();
        for (int i = 0; i < hits; i++) {
            ObjectNode row = rows.get(i);
            if (!pk.isEmpty() && !row.has(pk) && i < ids.size()) {
                row.set(pk, ids.get(i));
            }
            row.put("distance", results.getScores(i));
            data.add(row);
        }
        if (results.getTopksCount() > 1) {
            ArrayNode topks = call.extra.putArray("topks");
            results.getTopksList().forEach(topks::add);
        }
        call.extra.put("cost", 0);
        return data;
    }

    /** {@code searchParams}: metric, nested index parameters and range bounds as the gRPC search takes them. */
    private static void searchParams(SearchRequest.Builder request, JsonNode params) {
        if (params == null || params.isNull()) {
            return;
        }
        if (!params.isObject()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "searchParams must be an object");
        }
        ObjectNode nested = object();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "metricType", "metric_type" -> request.addSearchParams(pair("metric_type", v.asText()));
                case "params" -> {
                    if (!v.isObject()) {
                        throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "searchParams.params must be an object");
                    }
                    nested.setAll((ObjectNode) v);
                }
                case "radius", "range_filter" -> nested.set(e.getKey(), v);
                default -> request.addSearchParams(pair(e.getKey(), v.isTextual() ? v.textValue() : v.toString()));
            }
        }
        if (!nested.isEmpty()) {
            request.addSearchParams(pair("params", RestApi.toJson(nested)));
        }
    }

    // ------------------------------------------------------------------ partitions, aliases

    private static void partitions(Map<String, RestApi.Route> routes) {
        routes.put("partitions/list", call -> {
            ShowPartitionsResponse r = call.rpc().showPartitions(ShowPartitionsRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.required("collectionName")).build());
            check(r.getStatus());
            return strings(r.getPartitionNamesList());
        });
        routes.put("partitions/create", call -> done(call.rpc().createPartition(CreatePartitionRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setPartitionName(call.required("partitionName")).build())));
        routes.put("partitions/drop", call -> done(call.rpc().dropPartition(DropPartitionRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setPartitionName(call.required("partitionName")).build())));
        routes.put("partitions/has", call -> {
            BoolResponse r = call.rpc().hasPartition(HasPartitionRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(call.required("collectionName"))
                    .setPartitionName(call.required("partitionName")).build());
            check(r.getStatus());
            return object().put("has", r.getValue());
        });
        routes.put("partitions/load", call -> done(call.rpc().loadPartitions(LoadPartitionsRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .addAllPartitionNames(requiredList(call, "partitionNames")).build())));
        routes.put("partitions/release", call -> done(call.rpc().releasePartitions(
                ReleasePartitionsRequest.newBuilder().setDbName(call.db())
                        .setCollectionName(call.required("collectionName"))
                        .addAllPartitionNames(requiredList(call, "partitionNames")).build())));
        routes.put("partitions/get_stats", call -> {
            GetPartitionStatisticsResponse r = call.rpc().getPartitionStatistics(
                    GetPartitionStatisticsRequest.newBuilder().setDbName(call.db())
                            .setCollectionName(call.required("collectionName"))
                            .setPartitionName(call.required("partitionName")).build());
            check(r.getStatus());
            return object().put("rowCount", rowCount(r.getStatsList()));
        });
    }

    private static void aliases(Map<String, RestApi.Route> routes) {
        routes.put("aliases/list", call -> {
            ListAliasesResponse r = call.rpc().listAliases(ListAliasesRequest.newBuilder().setDbName(call.db())
                    .setCollectionName(call.text("collectionName", "")).build());
            check(r.getStatus());
            return strings(r.getAliasesList());
        });
        routes.put("aliases/create", call -> done(call.rpc().createAlias(CreateAliasRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setAlias(call.required("aliasName")).build())));
        routes.put("aliases/alter", call -> done(call.rpc().alterAlias(AlterAliasRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setAlias(call.required("aliasName")).build())));
        routes.put("aliases/drop", call -> done(call.rpc().dropAlias(DropAliasRequest.newBuilder()
                .setDbName(call.db()).setAlias(call.required("aliasName")).build())));
        routes.put("aliases/describe", call -> {
            DescribeAliasResponse r = call.rpc().describeAlias(DescribeAliasRequest.newBuilder()
                    .setDbName(call.db()).setAlias(call.required("aliasName")).build());
            check(r.getStatus());
            return object().put("aliasName", r.getAlias()).put("collectionName", r.getCollection())
                    .put("dbName", r.getDbName());
        });
    }

    // ------------------------------------------------------------------ indexes, databases

    private static void indexes(Map<String, RestApi.Route> routes) {
        routes.put("indexes/create", call -> {
            String name = call.required("collectionName");
            JsonNode indexParams = call.body.get("indexParams");
            if (indexParams == null || !indexParams.isArray() || indexParams.isEmpty()) {
                throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                        "missing required parameters, error: indexParams is required");
            }
            for (JsonNode index : indexParams) {
                check(call.rpc().createIndex(indexRequest(call, name, index)));
            }
            return object();
        });
        routes.put("indexes/list", call -> {
            DescribeIndexResponse r = call.rpc().describeIndex(DescribeIndexRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                    .setFieldName(call.text("fieldName", "")).build());
            if (r.getStatus().getCode() == ErrorCode.INDEX_NOT_FOUND.code()) {
                return array();
            }
            check(r.getStatus());
            ArrayNode names = array();
            r.getIndexDescriptionsList().forEach(d -> names.add(d.getIndexName()));
            return names;
        });
        routes.put("indexes/describe", call -> {
            DescribeIndexResponse r = call.rpc().describeIndex(DescribeIndexRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                    .setIndexName(call.required("indexName")).build());
            check(r.getStatus());
            ArrayNode out = array();
            for (IndexDescription d : r.getIndexDescriptionsList()) {
                Map<String, String> params = keyValues(d.getParamsList());
                ObjectNode index = out.addObject().put("indexName", d.getIndexName())
                        .put("fieldName", d.getFieldName())
                        .put("indexType", params.getOrDefault("index_type", ""))
                        .put("metricType", params.getOrDefault("metric_type", ""))
                        .put("indexState", d.getState().name())
                        .put("indexedRows", d.getIndexedRows()).put("totalRows", d.getTotalRows())
                        .put("pendingRows", d.getPendingIndexRows())
                        .put("failReason", d.getIndexStateFailReason());
                if (params.containsKey("params")) {
                    index.set("params", RestApi.parseJson(params.get("params")));
                }
            }
            return out;
        });
        routes.put("indexes/drop", call -> done(call.rpc().dropIndex(DropIndexRequest.newBuilder()
                .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setIndexName(call.required("indexName")).build())));
    }

    private static CreateIndexRequest indexRequest(RestApi.Call call, String collection, JsonNode index) {
        String field = text(index, "fieldName");
        if (field == null || field.isEmpty()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: indexParams[].fieldName is required");
        }
        String indexName = text(index, "indexName");
        CreateIndexRequest.Builder out = CreateIndexRequest.newBuilder().setDbName(call.db())
                .setCollectionName(collection).setFieldName(field)
                .setIndexName(indexName == null ? "" : indexName);
        String type = text(index, "indexType");
        out.addExtraParams(pair("index_type", type == null || type.isEmpty() ? "AUTOINDEX" : type));
        String metric = text(index, "metricType");
        if (metric != null && !metric.isEmpty()) {
            out.addExtraParams(pair("metric_type", metric));
        }
        JsonNode params = index.get("params");
        if (params != null && params.isObject() && !params.isEmpty()) {
            ObjectNode nested = ((ObjectNode) params).deepCopy();
            // Milvus's REST form also takes index_type / metric_type inside params.
            JsonNode innerType = nested.remove("index_type");
            JsonNode innerMetric = nested.remove("metric_type");
            if (innerType != null && (type == null || type.isEmpty())) {
                out.removeExtraParams(0).addExtraParams(pair("index_type", innerType.asText()));
            }
            if (innerMetric != null && (metric == null || metric.isEmpty())) {
                out.addExtraParams(pair("metric_type", innerMetric.asText()));
            }
            if (!nested.isEmpty()) {
                out.addExtraParams(pair("params", RestApi.toJson(nested)));
            }
        }
        return out.build();
    }

    private static void databases(Map<String, RestApi.Route> routes) {
        // The database named in the body is the object here, not the one the call runs in (as the gRPC SDKs do,
        // the caller's current database for the privilege check is "default").
        routes.put("databases/create", call -> done(call.rpc("default").createDatabase(
                CreateDatabaseRequest.newBuilder().setDbName(call.required("dbName"))
                        .addAllProperties(properties(call.body.get("properties"))).build())));
        routes.put("databases/drop", call -> done(call.rpc("default").dropDatabase(DropDatabaseRequest.newBuilder()
                .setDbName(call.required("dbName")).build())));
        routes.put("databases/list", call -> {
            ListDatabasesResponse r = call.rpc("default").listDatabases(ListDatabasesRequest.newBuilder().build());
            check(r.getStatus());
            return strings(r.getDbNamesList());
        });
        routes.put("databases/describe", call -> {
            DescribeDatabaseResponse r = call.rpc("default").describeDatabase(DescribeDatabaseRequest.newBuilder()
                    .setDbName(call.required("dbName")).build());
            check(r.getStatus());
            ObjectNode data = object().put("dbName", r.getDbName()).put("dbID", r.getDbID());
            data.set("properties", pairs(r.getPropertiesList()));
            return data;
        });
        routes.put("databases/alter", call -> done(call.rpc("default").alterDatabase(
                AlterDatabaseRequest.newBuilder().setDbName(call.required("dbName"))
                        .addAllProperties(properties(call.body.get("properties"))).build())));
    }

    static List<KeyValuePair> properties(JsonNode properties) {
        List<KeyValuePair> out = new ArrayList<>();
        if (properties == null || properties.isNull()) {
            return out;
        }
        if (!properties.isObject()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "properties must be an object");
        }
        properties.fields().forEachRemaining(e -> out.add(pair(e.getKey(),
                e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString())));
        return out;
    }

    // ------------------------------------------------------------------ users, roles, privilege groups

    private static void users(Map<String, RestApi.Route> routes) {
        routes.put("users/list", call -> {
            ListCredUsersResponse r = call.rpc().listCredUsers(ListCredUsersRequest.newBuilder().build());
            check(r.getStatus());
            return strings(r.getUsernamesList());
        });
        routes.put("users/describe", call -> {
            SelectUserResponse r = call.rpc().selectUser(SelectUserRequest.newBuilder()
                    .setUser(UserEntity.newBuilder().setName(call.required("userName")))
                    .setIncludeRoleInfo(true).build());
            check(r.getStatus());
            ArrayNode roles = array();
            r.getResultsList().forEach(u -> u.getRolesList().forEach(role -> roles.add(role.getName())));
            return roles;
        });
        // The REST body carries passwords raw; gRPC carries them base64-encoded (as Milvus's REST layer does).
        routes.put("users/create", call -> done(call.rpc().createCredential(CreateCredentialRequest.newBuilder()
                .setUsername(call.required("userName")).setPassword(base64(call.required("password"))).build())));
        routes.put("users/update_password", call -> done(call.rpc().updateCredential(
                UpdateCredentialRequest.newBuilder().setUsername(call.required("userName"))
                        .setOldPassword(base64(call.required("password")))
                        .setNewPassword(base64(call.required("newPassword"))).build())));
        routes.put("users/drop", call -> done(call.rpc().deleteCredential(DeleteCredentialRequest.newBuilder()
                .setUsername(call.required("userName")).build())));
        routes.put("users/grant_role", call -> done(call.rpc().operateUserRole(OperateUserRoleRequest.newBuilder()
                .setUsername(call.required("userName")).setRoleName(call.required("roleName"))
                .setType(OperateUserRoleType.AddUserToRole).build())));
        routes.put("users/revoke_role", call -> done(call.rpc().operateUserRole(OperateUserRoleRequest.newBuilder()
                .setUsername(call.required("userName")).setRoleName(call.required("roleName"))
                .setType(OperateUserRoleType.RemoveUserFromRole).build())));
    }

    private static void roles(Map<String, RestApi.Route> routes) {
        routes.put("roles/list", call -> {
            SelectRoleResponse r = call.rpc().selectRole(SelectRoleRequest.newBuilder().build());
            check(r.getStatus());
            ArrayNode names = array();
            r.getResultsList().forEach(role -> names.add(role.getRole().getName()));
            return names;
        });
        routes.put("roles/describe", call -> {
            SelectGrantResponse r = call.rpc().selectGrant(SelectGrantRequest.newBuilder()
                    .setEntity(GrantEntity.newBuilder().setRole(RoleEntity.newBuilder()
                            .setName(call.required("roleName"))).setDbName(call.db())).build());
            check(r.getStatus());
            ArrayNode grants = array();
            for (GrantEntity g : r.getEntitiesList()) {
                grants.addObject().put("objectType", g.getObject().getName()).put("objectName", g.getObjectName())
                        .put("privilege", g.getGrantor().getPrivilege().getName()).put("dbName", g.getDbName())
                        .put("grantor", g.getGrantor().getUser().getName());
            }
            return grants;
        });
        routes.put("roles/create", call -> done(call.rpc().createRole(CreateRoleRequest.newBuilder()
                .setEntity(RoleEntity.newBuilder().setName(call.required("roleName"))).build())));
        routes.put("roles/drop", call -> done(call.rpc().dropRole(DropRoleRequest.newBuilder()
                .setRoleName(call.required("roleName")).build())));
        routes.put("roles/grant_privilege", call -> operatePrivilege(call, OperatePrivilegeType.Grant));
        routes.put("roles/revoke_privilege", call -> operatePrivilege(call, OperatePrivilegeType.Revoke));
        routes.put("roles/grant_privilege_v2", call -> operatePrivilegeV2(call, OperatePrivilegeType.Grant));
        routes.put("roles/revoke_privilege_v2", call -> operatePrivilegeV2(call, OperatePrivilegeType.Revoke));
        routes.put("privilege_groups/create", call -> done(call.rpc().createPrivilegeGroup(
                CreatePrivilegeGroupRequest.newBuilder().setGroupName(call.required("privilegeGroupName")).build())));
        routes.put("privilege_groups/drop", call -> done(call.rpc().dropPrivilegeGroup(
                DropPrivilegeGroupRequest.newBuilder().setGroupName(call.required("privilegeGroupName")).build())));
        routes.put("privilege_groups/list", call -> {
            ListPrivilegeGroupsResponse r = call.rpc().listPrivilegeGroups(
                    ListPrivilegeGroupsRequest.newBuilder().build());
            check(r.getStatus());
            ArrayNode groups = array();
            for (PrivilegeGroupInfo g : r.getPrivilegeGroupsList()) {
                List<String> names = g.getPrivilegesList().stream().map(PrivilegeEntity::getName).toList();
                groups.addObject().put("privilegeGroupName", g.getGroupName())
                        .put("privileges", String.join(",", names));
            }
            ObjectNode data = object();
            data.set("privilegeGroups", groups);
            return data;
        });
        routes.put("privilege_groups/add_privileges_to_group",
                call -> operateGroup(call, OperatePrivilegeGroupType.AddPrivilegesToGroup));
        routes.put("privilege_groups/remove_privileges_from_group",
                call -> operateGroup(call, OperatePrivilegeGroupType.RemovePrivilegesFromGroup));
    }

    private static JsonNode operatePrivilege(RestApi.Call call, OperatePrivilegeType type) {
        return done(call.rpc().operatePrivilege(OperatePrivilegeRequest.newBuilder()
                .setEntity(GrantEntity.newBuilder()
                        .setRole(RoleEntity.newBuilder().setName(call.required("roleName")))
                        .setObject(ObjectEntity.newBuilder().setName(call.required("objectType")))
                        .setObjectName(call.required("objectName"))
                        .setDbName(call.db())
                        .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder()
                                .setName(call.required("privilege")))))
                .setType(type).build()));
    }

    private static JsonNode operatePrivilegeV2(RestApi.Call call, OperatePrivilegeType type) {
        return done(call.rpc().operatePrivilegeV2(OperatePrivilegeV2Request.newBuilder()
                .setRole(RoleEntity.newBuilder().setName(call.required("roleName")))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder()
                        .setName(call.required("privilege"))))
                .setDbName(call.text("dbName", "default"))
                .setCollectionName(call.text("collectionName", "*"))
                .setType(type).build()));
    }

    private static JsonNode operateGroup(RestApi.Call call, OperatePrivilegeGroupType type) {
        OperatePrivilegeGroupRequest.Builder request = OperatePrivilegeGroupRequest.newBuilder()
                .setGroupName(call.required("privilegeGroupName")).setType(type);
        requiredList(call, "privileges").forEach(p -> request.addPrivileges(PrivilegeEntity.newBuilder().setName(p)));
        return done(call.rpc().operatePrivilegeGroup(request.build()));
    }

    // ------------------------------------------------------------------ helpers

    static JsonNode done(Status status) {
        check(status);
        return object();
    }

    private static List<String> requiredList(RestApi.Call call, String key) {
        List<String> values = call.strings(key);
        if (values.isEmpty()) {
            throw new RestFailure(200, ErrorCode.MISSING_REQUIRED_PARAMETERS.code(),
                    "missing required parameters, error: " + key + " is required");
        }
        return values;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode out = array();
        values.forEach(out::add);
        return out;
    }

    private static ArrayNode pairs(List<KeyValuePair> pairs) {
        ArrayNode out = array();
        pairs.forEach(p -> out.addObject().put("key", p.getKey()).put("value", p.getValue()));
        return out;
    }

    private static Map<String, String> keyValues(List<KeyValuePair> pairs) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        pairs.forEach(p -> out.put(p.getKey(), p.getValue()));
        return out;
    }

    private static long rowCount(List<KeyValuePair> stats) {
        return stats.stream().filter(p -> p.getKey().equals("row_count")).findFirst()
                .map(p -> Long.parseLong(p.getValue())).orElse(0L);
    }

    private static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    private static String base64(String raw) {
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static DataType dataType(String name) {
        for (DataType t : DataType.values()) {
            if (t != DataType.UNRECOGNIZED && t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "invalid data type: " + name);
    }

    private static ConsistencyLevel consistency(String name) {
        for (ConsistencyLevel level : ConsistencyLevel.values()) {
            if (level != ConsistencyLevel.UNRECOGNIZED && level.name().equalsIgnoreCase(name)) {
                return level;
            }
        }
        throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "invalid consistencyLevel: " + name);
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static boolean bool(JsonNode node, String key, boolean fallback) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, key + " must be true or false");
        }
        return value.booleanValue();
    }

    private static String paramText(JsonNode params, String key, String fallback) {
        JsonNode value = params == null ? null : params.get(key);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static boolean paramBool(JsonNode params, String key, boolean fallback) {
        JsonNode value = params == null ? null : params.get(key);
        return value == null || value.isNull() ? fallback : value.asBoolean();
    }
}
