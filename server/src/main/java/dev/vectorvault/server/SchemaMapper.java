package dev.vectorvault.server;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ValueField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Milvus protobuf schemas to and from the catalog's own types. */
final class SchemaMapper {
    private SchemaMapper() {}

    static CollectionSchema fromProto(io.milvus.grpc.CollectionSchema proto) {
        refuseWhatThisServerCannotHold(proto);
        List<FieldSchema> fields = new ArrayList<>();
        for (io.milvus.grpc.FieldSchema f : proto.getFieldsList()) {
            if (f.getIsDynamic()) {
                continue; // recreated by the catalog when dynamic fields are enabled
            }
            Map<String, String> params = keyValues(f.getTypeParamsList());
            if (f.getIsClusteringKey()) {
                // It would be dropped: no clustering compaction here, and DescribeCollection would not show it.
                throw MilvusException.invalidParameter("field " + f.getName() + ": is_clustering_key is not"
                        + " supported by this server");
            }
            if (params.containsKey("multi_analyzer_params")) {
                // Per-row analyzers change which rows a text search finds: refused, never dropped in silence.
                throw MilvusException.invalidParameter("type param multi_analyzer_params of field " + f.getName()
                        + " is not supported by this server (one analyzer per field: analyzer_params)");
            }
            DataType type = dataType(f.getDataType(), f.getName());
            DataType element = type == DataType.ARRAY ? dataType(f.getElementType(), f.getName()) : null;
            fields.add(new FieldSchema(0, f.getName(), f.getDescription(), type, f.getIsPrimaryKey(),
                    f.getAutoID() || (f.getIsPrimaryKey() && proto.getAutoID()),
                    intParam(params, "dim", f.getName()), intParam(params, "max_length", f.getName()), element,
                    intParam(params, "max_capacity", f.getName()), f.getNullable(),
                    f.hasDefaultValue() ? defaultValue(f.getDefaultValue()) : null, false, f.getIsPartitionKey(),
                    boolParam(params, "enable_analyzer", f.getName()), analyzerParams(params, f.getName()),
                    boolParam(params, "enable_match", f.getName())));
        }
        List<FunctionSchema> functions = new ArrayList<>();
        for (io.milvus.grpc.FunctionSchema fn : proto.getFunctionsList()) {
            functions.add(new FunctionSchema(fn.getName(), fn.getDescription(), functionType(fn.getType()),
                    fn.getInputFieldNamesList(), fn.getOutputFieldNamesList(), keyValues(fn.getParamsList())));
        }
        for (io.milvus.grpc.FieldSchema f : proto.getFieldsList()) {
            // A field the client marks as a function's output must be one (the server fills it, never the client).
            if (f.getIsFunctionOutput() && functions.stream().noneMatch(fn -> fn.outputFieldNames()
                    .contains(f.getName()))) {
                throw MilvusException.invalidParameter("field " + f.getName() + " is marked as a function output"
                        + " but no function outputs it");
            }
        }
        return new CollectionSchema(proto.getDescription(), fields, proto.getEnableDynamicField(), functions);
    }

    /**
     * Schema parts of Milvus 2.6 this server does not build. Each would change what a collection stores or returns,
     * so a request carrying one is refused rather than created without it.
     */
    private static void refuseWhatThisServerCannotHold(io.milvus.grpc.CollectionSchema proto) {
        if (proto.getStructArrayFieldsCount() > 0) {
            throw MilvusException.invalidParameter("array of struct fields (" + proto.getStructArrayFields(0).getName()
                    + ") are not supported by this server");
        }
        if (proto.getEnableNamespace()) {
            throw MilvusException.invalidParameter("enable_namespace is not supported by this server");
        }
    }

    /** One field as AddCollectionField sends it (a serialized {@code schema.FieldSchema}). */
    static FieldSchema fieldFromProto(io.milvus.grpc.FieldSchema f) {
        if (f.getIsDynamic()) {
            throw MilvusException.invalidParameter("not support to add dynamic field, field name = " + f.getName());
        }
        return fromProto(io.milvus.grpc.CollectionSchema.newBuilder().addFields(f).build()).fields().get(0);
    }

    private static String functionType(io.milvus.grpc.FunctionType type) {
        return switch (type) {
            case BM25 -> FunctionSchema.BM25;
            default -> type.name();
        };
    }

    /**
     * {@code analyzer_params} as the SDKs send it: a JSON object in a string (both SDKs serialise their map). Kept as
     * sent; the catalog checks it builds an analyzer.
     */
    private static String analyzerParams(Map<String, String> params, String field) {
        String value = params.get("analyzer_params");
        return value == null || value.isBlank() ? null : value;
    }

    private static boolean boolParam(Map<String, String> params, String key, String field) {
        String value = params.get(key);
        if (value == null || value.isBlank()) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw MilvusException.invalidParameter("type param " + key + " of field " + field + " must be true or false,"
                + " got " + value);
    }

    static io.milvus.grpc.CollectionSchema toProto(String name, CollectionSchema schema) {
        io.milvus.grpc.CollectionSchema.Builder out = io.milvus.grpc.CollectionSchema.newBuilder()
                .setName(name)
                .setDescription(schema.description())
                .setEnableDynamicField(schema.enableDynamicField())
                .setVersion(schema.version())
                .setAutoID(schema.primaryKey().autoId());
        for (FieldSchema f : schema.fields()) {
            if (f.dynamic()) {
                continue; // Milvus hides $meta: clients see only enable_dynamic_field (the SDKs rely on it)
            }
            io.milvus.grpc.FieldSchema.Builder field = io.milvus.grpc.FieldSchema.newBuilder()
                    .setFieldID(f.fieldId())
                    .setName(f.name())
                    .setDescription(f.description() == null ? "" : f.description())
                    .setDataType(protoType(f.dataType()))
                    .setIsPrimaryKey(f.primaryKey())
                    .setAutoID(f.autoId())
                    .setIsDynamic(f.dynamic())
                    .setIsPartitionKey(f.partitionKey())
                    .setNullable(f.nullable())
                    .setIsFunctionOutput(schema.isFunctionOutput(f.name()));
            if (f.dataType().isDenseVector() || f.dataType().isBinaryVector()) {
                field.addTypeParams(pair("dim", f.dim()));
            }
            if (f.dataType() == DataType.VARCHAR || f.elementType() == DataType.VARCHAR) {
                field.addTypeParams(pair("max_length", f.maxLength()));
            }
            if (f.dataType() == DataType.ARRAY) {
                field.setElementType(protoType(f.elementType())).addTypeParams(pair("max_capacity", f.maxCapacity()));
            }
            if (f.enableAnalyzer()) {
                field.addTypeParams(pair("enable_analyzer", "true"));
                if (f.analyzerParams() != null) {
                    field.addTypeParams(pair("analyzer_params", f.analyzerParams()));
                }
            }
            if (f.enableMatch()) {
                field.addTypeParams(pair("enable_match", "true"));
            }
            if (f.defaultValue() != null) {
                field.setDefaultValue(protoDefault(f.dataType(), f.defaultValue()));
            }
            out.addFields(field);
        }
        for (FunctionSchema fn : schema.functions()) {
            io.milvus.grpc.FunctionSchema.Builder function = io.milvus.grpc.FunctionSchema.newBuilder()
                    .setName(fn.name())
                    .setDescription(fn.description())
                    .setType(FunctionSchema.BM25.equals(fn.type()) ? io.milvus.grpc.FunctionType.BM25
                            : io.milvus.grpc.FunctionType.Unknown)
                    .addAllInputFieldNames(fn.inputFieldNames())
                    .addAllOutputFieldNames(fn.outputFieldNames())
                    .addAllParams(pairs(fn.params()));
            for (String input : fn.inputFieldNames()) {
                schema.field(input).ifPresent(f -> function.addInputFieldIds(f.fieldId()));
            }
            for (String output : fn.outputFieldNames()) {
                schema.field(output).ifPresent(f -> function.addOutputFieldIds(f.fieldId()));
            }
            out.addFunctions(function);
        }
        return out.build();
    }

    static DataType dataType(io.milvus.grpc.DataType type, String field) {
        return switch (type) {
            case Bool -> DataType.BOOL;
            case Int8 -> DataType.INT8;
            case Int16 -> DataType.INT16;
            case Int32 -> DataType.INT32;
            case Int64 -> DataType.INT64;
            case Float -> DataType.FLOAT;
            case Double -> DataType.DOUBLE;
            case VarChar, String -> DataType.VARCHAR;
            case JSON -> DataType.JSON;
            case Array -> DataType.ARRAY;
            case FloatVector -> DataType.FLOAT_VECTOR;
            case SparseFloatVector -> DataType.SPARSE_FLOAT_VECTOR;
            case Float16Vector -> DataType.FLOAT16_VECTOR;
            case BFloat16Vector -> DataType.BFLOAT16_VECTOR;
            case Int8Vector -> DataType.INT8_VECTOR;
            case BinaryVector -> DataType.BINARY_VECTOR;
            default -> throw MilvusException.invalidParameter("data type " + type + " of field " + field
                    + " is not supported");
        };
    }

    static io.milvus.grpc.DataType protoType(DataType type) {
        return switch (type) {
            case BOOL -> io.milvus.grpc.DataType.Bool;
            case INT8 -> io.milvus.grpc.DataType.Int8;
            case INT16 -> io.milvus.grpc.DataType.Int16;
            case INT32 -> io.milvus.grpc.DataType.Int32;
            case INT64 -> io.milvus.grpc.DataType.Int64;
            case FLOAT -> io.milvus.grpc.DataType.Float;
            case DOUBLE -> io.milvus.grpc.DataType.Double;
            case VARCHAR -> io.milvus.grpc.DataType.VarChar;
            case JSON -> io.milvus.grpc.DataType.JSON;
            case ARRAY -> io.milvus.grpc.DataType.Array;
            case FLOAT_VECTOR -> io.milvus.grpc.DataType.FloatVector;
            case SPARSE_FLOAT_VECTOR -> io.milvus.grpc.DataType.SparseFloatVector;
            case FLOAT16_VECTOR -> io.milvus.grpc.DataType.Float16Vector;
            case BFLOAT16_VECTOR -> io.milvus.grpc.DataType.BFloat16Vector;
            case INT8_VECTOR -> io.milvus.grpc.DataType.Int8Vector;
            case BINARY_VECTOR -> io.milvus.grpc.DataType.BinaryVector;
        };
    }

    static ConsistencyLevel consistency(io.milvus.grpc.ConsistencyLevel level) {
        return switch (level) {
            case Strong -> ConsistencyLevel.STRONG;
            case Session -> ConsistencyLevel.SESSION;
            case Eventually -> ConsistencyLevel.EVENTUALLY;
            default -> ConsistencyLevel.BOUNDED;
        };
    }

    static io.milvus.grpc.ConsistencyLevel protoConsistency(ConsistencyLevel level) {
        return switch (level) {
            case STRONG -> io.milvus.grpc.ConsistencyLevel.Strong;
            case SESSION -> io.milvus.grpc.ConsistencyLevel.Session;
            case BOUNDED -> io.milvus.grpc.ConsistencyLevel.Bounded;
            case EVENTUALLY -> io.milvus.grpc.ConsistencyLevel.Eventually;
        };
    }

    static Map<String, String> keyValues(List<KeyValuePair> pairs) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        pairs.forEach(p -> map.put(p.getKey(), p.getValue()));
        return map;
    }

    static List<KeyValuePair> pairs(Map<String, String> map) {
        return map.entrySet().stream()
                .map(e -> KeyValuePair.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build()).toList();
    }

    private static KeyValuePair pair(String key, Object value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(String.valueOf(value)).build();
    }

    private static int intParam(Map<String, String> params, String key, String field) {
        String value = params.get(key);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter("type param " + key + " of field " + field
                    + " must be an integer, got " + value);
        }
    }

    private static Object defaultValue(ValueField value) {
        return switch (value.getDataCase()) {
            case BOOL_DATA -> value.getBoolData();
            case INT_DATA -> (long) value.getIntData();
            case LONG_DATA -> value.getLongData();
            case FLOAT_DATA -> (double) value.getFloatData();
            case DOUBLE_DATA -> value.getDoubleData();
            case STRING_DATA -> value.getStringData();
            default -> throw MilvusException.invalidParameter("unsupported default value " + value.getDataCase());
        };
    }

    private static ValueField protoDefault(DataType type, Object value) {
        ValueField.Builder out = ValueField.newBuilder();
        switch (type) {
            case BOOL -> out.setBoolData((Boolean) value);
            case INT8, INT16, INT32 -> out.setIntData(((Number) value).intValue());
            case INT64 -> out.setLongData(((Number) value).longValue());
            case FLOAT -> out.setFloatData(((Number) value).floatValue());
            case DOUBLE -> out.setDoubleData(((Number) value).doubleValue());
            case VARCHAR -> out.setStringData((String) value);
            case JSON, ARRAY, FLOAT_VECTOR, SPARSE_FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR,
                 BINARY_VECTOR -> { }
        }
        return out.build();
    }
}
