package dev.vectorvault.catalog;

/**
 * One field of a collection. {@code dim} applies to vectors, {@code maxLength} to VARCHAR (and VARCHAR array
 * elements), {@code elementType}/{@code maxCapacity} to ARRAY. {@code defaultValue} is a Boolean, Long, Double or
 * String, or null. The dynamic field is the hidden JSON field {@code $meta} that holds keys not in the schema.
 * {@code enableAnalyzer}, {@code analyzerParams} (Milvus's JSON string, null: the standard analyzer) and
 * {@code enableMatch} are a VarChar field's text type params (full-text search); absent in records written before
 * they existed, which read as false/null.
 */
public record FieldSchema(
        long fieldId,
        String name,
        String description,
        DataType dataType,
        boolean primaryKey,
        boolean autoId,
        int dim,
        int maxLength,
        DataType elementType,
        int maxCapacity,
        boolean nullable,
        Object defaultValue,
        boolean dynamic,
        boolean partitionKey,
        boolean enableAnalyzer,
        String analyzerParams,
        boolean enableMatch) {

    public static final String DYNAMIC_FIELD_NAME = "$meta";

    public FieldSchema {
        // One numeric representation per kind, whatever the JSON reader or the wire produced.
        if (defaultValue instanceof Integer || defaultValue instanceof Short || defaultValue instanceof Byte) {
            defaultValue = ((Number) defaultValue).longValue();
        } else if (defaultValue instanceof Float f) {
            defaultValue = f.doubleValue();
        }
    }

    /** A field without text type params. */
    public FieldSchema(long fieldId, String name, String description, DataType dataType, boolean primaryKey,
                       boolean autoId, int dim, int maxLength, DataType elementType, int maxCapacity, boolean nullable,
                       Object defaultValue, boolean dynamic, boolean partitionKey) {
        this(fieldId, name, description, dataType, primaryKey, autoId, dim, maxLength, elementType, maxCapacity,
                nullable, defaultValue, dynamic, partitionKey, false, null, false);
    }

    public FieldSchema withId(long id) {
        return new FieldSchema(id, name, description, dataType, primaryKey, autoId, dim, maxLength, elementType,
                maxCapacity, nullable, defaultValue, dynamic, partitionKey, enableAnalyzer, analyzerParams,
                enableMatch);
    }

    /** The same field with other length limits (AlterCollectionField's {@code max_length}, {@code max_capacity}). */
    public FieldSchema withLimits(int newMaxLength, int newMaxCapacity) {
        return new FieldSchema(fieldId, name, description, dataType, primaryKey, autoId, dim, newMaxLength,
                elementType, newMaxCapacity, nullable, defaultValue, dynamic, partitionKey, enableAnalyzer,
                analyzerParams, enableMatch);
    }

    /** The same field with text type params. */
    public FieldSchema withText(boolean analyzer, String params, boolean match) {
        return new FieldSchema(fieldId, name, description, dataType, primaryKey, autoId, dim, maxLength, elementType,
                maxCapacity, nullable, defaultValue, dynamic, partitionKey, analyzer, params, match);
    }
}
