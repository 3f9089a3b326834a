package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a schema as Milvus does before a collection is created, and completes it: field ids assigned, the hidden
 * dynamic field {@code $meta} appended when dynamic fields are enabled.
 */
final class SchemaValidator {
    static final int MAX_FIELDS = 64;
    static final int MAX_DIM = 32_768;
    static final int MAX_VARCHAR_LENGTH = 65_535;
    static final int MAX_ARRAY_CAPACITY = 4_096;
    private static final long FIRST_FIELD_ID = 100;

    private SchemaValidator() {}

    static CollectionSchema complete(CollectionSchema schema) {
        List<FieldSchema> given = schema.fields().stream().filter(f -> !f.dynamic()).toList();
        if (given.isEmpty()) {
            throw illegal("schema has no fields");
        }
        if (given.size() > MAX_FIELDS) {
            throw illegal("maximum field's number should be limited to " + MAX_FIELDS);
        }
        Set<String> names = new HashSet<>();
        int primaryKeys = 0;
        for (FieldSchema field : given) {
            NameRules.check("field", field.name());
            if (!names.add(field.name())) {
                throw MilvusException.invalidParameter("duplicated field name " + field.name() + " found");
            }
            checkField(field);
            if (field.primaryKey()) {
                primaryKeys++;
            }
        }
        if (primaryKeys != 1) {
            throw illegal(primaryKeys == 0 ? "primary key is not specified" : "there are more than one primary key");
        }
        if (given.stream().noneMatch(f -> f.dataType().isVector())) {
            throw MilvusException.invalidParameter("schema does not contain vector field");
        }
        checkPartitionKey(given);
        FunctionRules.check(given, schema.functions());
        List<FieldSchema> fields = new ArrayList<>();
        long id = FIRST_FIELD_ID;
        for (FieldSchema field : given) {
            fields.add(field.withId(id++));
        }
        if (schema.enableDynamicField()) {
            fields.add(new FieldSchema(id, FieldSchema.DYNAMIC_FIELD_NAME, "dynamic schema", DataType.JSON,
                    false, false, 0, 0, null, 0, false, null, true, false));
        }
        return new CollectionSchema(schema.description(), fields, schema.enableDynamicField(), schema.functions());
    }

    /**
     * Milvus 2.6's rules for a field added to an existing collection (AddCollectionField): a nullable scalar that is
     * neither primary key, auto id, partition key nor dynamic, with a new name, within the field limit; its type
     * params and default value as at creation. Full-text params are refused: an added field's rows written before
     * it would need analysing afresh, which this server does not do. Returns the field with its new id.
     */
    static FieldSchema checkAdded(CollectionSchema schema, String collection, FieldSchema field) {
        String name = field.name();
        NameRules.check("field", name);
        if (field.dynamic() || FieldSchema.DYNAMIC_FIELD_NAME.equals(name)) {
            throw MilvusException.invalidParameter("not support to add dynamic field, field name = " + name);
        }
        if (field.primaryKey()) {
            throw MilvusException.invalidParameter("not support to add pk field, field name = " + name);
        }
        if (field.autoId()) {
            throw MilvusException.invalidParameter("only primary field can speficy AutoID with true, field name = "
                    + name);
        }
        if (field.partitionKey()) {
            throw MilvusException.invalidParameter("not support to add partition key field, field name  = " + name);
        }
        if (field.dataType().isVector()) {
            throw MilvusException.invalidParameter("not support to add vector field, field name = " + name);
        }
        if (!field.nullable()) {
            throw MilvusException.invalidParameter("added field must be nullable, please check it, field name = "
                    + name);
        }
        if (field.enableAnalyzer() || field.enableMatch()) {
            throw MilvusException.invalidParameter("enable_analyzer and enable_match on an added field (" + name
                    + ") are not supported by this server");
        }
        if (schema.field(name).isPresent()) {
            throw MilvusException.invalidParameter("duplicate field name: " + name);
        }
        long userFields = schema.fields().stream().filter(f -> !f.dynamic()).count();
        if (userFields >= MAX_FIELDS) {
            throw MilvusException.invalidParameter("The number of fields has reached the maximum value "
                    + MAX_FIELDS);
        }
        if ((field.dataType() == DataType.VARCHAR || field.elementType() == DataType.VARCHAR)
                && field.maxLength() == 0) {
            throw MilvusException.invalidParameter("type param(max_length) should be specified for the field("
                    + name + ") of collection " + collection);
        }
        checkField(field);
        long id = schema.fields().stream().mapToLong(FieldSchema::fieldId).max().orElse(FIRST_FIELD_ID - 1) + 1;
        return field.withId(id);
    }

    /** Keys Milvus 2.6 lets AlterCollectionField set that change nothing this server could act on. */
    private static final List<String> FIELD_KEYS_NOT_ACTED_ON = List.of("mmap.enabled", "mmap_enabled",
            "field.description", "warmup", "warmup.scalarField", "warmup.scalarIndex", "warmup.vectorField",
            "warmup.vectorIndex");

    /**
     * Milvus 2.6's AlterCollectionField: {@code max_length} of a VarChar field (or of an array's VarChar elements)
     * and {@code max_capacity} of an array field, enforced on later inserts (rows already stored stay as they are,
     * as in Milvus). Keys Milvus also allows (mmap, warmup, description) are refused as not supported here; any
     * other key, and any drop, with Milvus's messages.
     */
    static FieldSchema altered(FieldSchema field, Map<String, String> set, List<String> deleteKeys) {
        int maxLength = field.maxLength();
        int maxCapacity = field.maxCapacity();
        for (Map.Entry<String, String> property : set.entrySet()) {
            String key = property.getKey();
            String value = property.getValue() == null ? "" : property.getValue().trim();
            switch (key) {
                case "max_length" -> {
                    if (field.dataType() != DataType.VARCHAR && field.elementType() != DataType.VARCHAR) {
                        throw MilvusException.invalidParameter(" can not modify the maxlength for non-string types");
                    }
                    int length;
                    try {
                        length = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw MilvusException.invalidParameter("max_length should be an integer, but got string");
                    }
                    if (length > MAX_VARCHAR_LENGTH) {
                        throw MilvusException.invalidParameter(value + " exceeds the maximum allowed value "
                                + MAX_VARCHAR_LENGTH);
                    }
                    checkMaxLength(field.name(), length);
                    maxLength = length;
                }
                case "max_capacity" -> {
                    if (field.dataType() != DataType.ARRAY) {
                        throw MilvusException.invalidParameter(" can not modify the maxcapacity for non-array types");
                    }
                    long capacity;
                    try {
                        capacity = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw MilvusException.invalidParameter("the value for max_capacity of field " + field.name()
                                + " must be an integer");
                    }
                    if (capacity <= 0 || capacity > MAX_ARRAY_CAPACITY) {
                        throw MilvusException.invalidParameter("the maximum capacity specified for a Array should be"
                                + " in (0, " + MAX_ARRAY_CAPACITY + "]");
                    }
                    maxCapacity = (int) capacity;
                }
                default -> {
                    if (FIELD_KEYS_NOT_ACTED_ON.contains(key)) {
                        throw MilvusException.invalidParameter("request field property " + key
                                + " of AlterCollectionField is not supported by this server (fields are held in"
                                + " memory; nothing would change)");
                    }
                    throw MilvusException.invalidParameter(key + " does not allow update in collection field param");
                }
            }
        }
        for (String key : deleteKeys) {
            if (FIELD_KEYS_NOT_ACTED_ON.contains(key)) {
                throw MilvusException.invalidParameter("request field property " + key
                        + " of AlterCollectionField is not supported by this server (nothing was set)");
            }
            throw MilvusException.invalidParameter(key + " is not allowed to drop in collection field param");
        }
        if (field.defaultValue() instanceof String text
                && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxLength) {
            throw MilvusException.invalidParameter("default value " + text + " of field " + field.name()
                    + " would not fit max_length " + maxLength);
        }
        return field.withLimits(maxLength, maxCapacity);
    }

    /** Milvus's rules: at most one partition key, Int64 or VarChar, neither the primary key nor nullable. */
    private static void checkPartitionKey(List<FieldSchema> fields) {
        FieldSchema first = null;
        for (FieldSchema field : fields) {
            if (!field.partitionKey()) {
                continue;
            }
            if (first != null) {
                throw new MilvusException(ErrorCode.UNEXPECTED, "there are more than one partition key, field name = "
                        + first.name() + ", " + field.name());
            }
            if (field.primaryKey()) {
                throw new MilvusException(ErrorCode.UNEXPECTED, "the partition key field must not be primary field");
            }
            if (field.nullable()) {
                throw MilvusException.invalidParameter("partition key field not support nullable");
            }
            if (field.dataType() != DataType.INT64 && field.dataType() != DataType.VARCHAR) {
                throw new MilvusException(ErrorCode.UNEXPECTED,
                        "the data type of partition key should be Int64 or VarChar");
            }
            first = field;
        }
    }

    /**
     * How many partitions a new collection gets from CreateCollection's {@code num_partitions}: with a partition key,
     * the number asked for (0: Milvus's default, 16), at most {@code maxPartitions}; without one, the request must
     * not ask for any.
     */
    static int partitionKeyPartitions(CollectionSchema schema, long numPartitions, int maxPartitions) {
        boolean hasKey = PartitionKey.keyField(schema).isPresent();
        if (!hasKey) {
            if (numPartitions != 0) {
                throw new MilvusException(ErrorCode.UNEXPECTED,
                        "num_partitions should only be specified with partition key field enabled");
            }
            return 0;
        }
        if (numPartitions < 0) {
            throw new MilvusException(ErrorCode.UNEXPECTED,
                    "the specified partitions should be greater than 0 if partition key is used");
        }
        if (numPartitions > maxPartitions) {
            throw MilvusException.invalidParameter("partition number (" + numPartitions
                    + ") exceeds max configuration (" + maxPartitions + ")");
        }
        return numPartitions == 0 ? Math.min(PartitionKey.DEFAULT_PARTITIONS, maxPartitions) : (int) numPartitions;
    }

    private static void checkField(FieldSchema f) {
        if (f.primaryKey()) {
            if (f.dataType() != DataType.INT64 && f.dataType() != DataType.VARCHAR) {
                throw illegal("the data type of primary key should be Int64 or VarChar");
            }
            if (f.nullable()) {
                throw illegal("primary field not support null");
            }
            if (f.defaultValue() != null) {
                throw illegal("primary field " + f.name() + " not support default value");
            }
        } else if (f.autoId()) {
            throw illegal("only primary field can speficy AutoID with true, field name = " + f.name());
        }
        switch (f.dataType()) {
            case FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR -> {
                if (f.dim() <= 0 || f.dim() > MAX_DIM) {
                    throw MilvusException.invalidParameter("invalid dimension: " + f.dim()
                            + ". should be in range 2 ~ " + MAX_DIM);
                }
                if (f.defaultValue() != null) {
                    throw illegal("vector field " + f.name() + " does not support default value");
                }
            }
            case BINARY_VECTOR -> {
                // Milvus (validateDimension): binary fields take 8 times the float limit, in whole bytes.
                if (f.dim() <= 0 || f.dim() > 8 * MAX_DIM) {
                    throw MilvusException.invalidParameter("invalid dimension: " + f.dim()
                            + ". should be in range 2 ~ " + 8 * MAX_DIM);
                }
                if (f.dim() % 8 != 0) {
                    throw MilvusException.invalidParameter("invalid dimension: " + f.dim() + " of field " + f.name()
                            + ". binary vector dimension should be multiple of 8. ");
                }
                if (f.defaultValue() != null) {
                    throw illegal("vector field " + f.name() + " does not support default value");
                }
            }
            case SPARSE_FLOAT_VECTOR -> {
                if (f.dim() != 0) {
                    throw MilvusException.invalidParameter("dim should not be specified for sparse vector field "
                            + f.name() + "(" + f.fieldId() + ")");
                }
                if (f.defaultValue() != null) {
                    throw illegal("vector field " + f.name() + " does not support default value");
                }
            }
            case VARCHAR -> checkMaxLength(f.name(), f.maxLength());
            case ARRAY -> {
                if (f.elementType() == null || !f.elementType().isArrayElement()) {
                    throw illegal("element type " + f.elementType() + " is not supported for array field "
                            + f.name());
                }
                if (f.maxCapacity() <= 0 || f.maxCapacity() > MAX_ARRAY_CAPACITY) {
                    throw MilvusException.invalidParameter("the maximum capacity specified for a Array should be"
                            + " in (0, " + MAX_ARRAY_CAPACITY + "], field " + f.name());
                }
                if (f.elementType() == DataType.VARCHAR) {
                    checkMaxLength(f.name(), f.maxLength());
                }
            }
            default -> { }
        }
        checkDefault(f);
    }

    /** As Milvus: a default value must be of the field's type (integers in its range, strings within max_length). */
    private static void checkDefault(FieldSchema f) {
        Object value = f.defaultValue();
        if (value == null || f.dataType().isVector()) {
            return;
        }
        boolean ok = switch (f.dataType()) {
            case BOOL -> value instanceof Boolean;
            case INT8 -> inRange(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> inRange(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> inRange(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> value instanceof Long;
            case FLOAT, DOUBLE -> value instanceof Double;
            case VARCHAR -> value instanceof String text
                    && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= f.maxLength();
            default -> false; // JSON and ARRAY take no default value
        };
        if (!ok) {
            throw MilvusException.invalidParameter("default value " + value + " does not fit field " + f.name()
                    + " of type " + f.dataType()
                    + (f.dataType() == DataType.VARCHAR ? " with max_length " + f.maxLength() : ""));
        }
    }

    private static boolean inRange(Object value, long min, long max) {
        return value instanceof Long v && v >= min && v <= max;
    }

    private static void checkMaxLength(String field, int maxLength) {
        if (maxLength <= 0 || maxLength > MAX_VARCHAR_LENGTH) {
            throw MilvusException.invalidParameter("the maximum length specified for the field(" + field
                    + ") should be in (0, " + MAX_VARCHAR_LENGTH + "], but got " + maxLength + " instead");
        }
    }

    private static MilvusException illegal(String message) {
        return new MilvusException(ErrorCode.ILLEGAL_SCHEMA, message);
    }
}
