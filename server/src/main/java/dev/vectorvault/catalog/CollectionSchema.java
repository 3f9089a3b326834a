package dev.vectorvault.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The fields of a collection, in declaration order (the dynamic field, when enabled, after those it was created
 * with), and its functions (BM25: output fields the server computes; none in records written before functions
 * existed). {@code version} is Milvus's schema version: 0 at creation, one more with each schema change
 * (AddCollectionField, AlterCollectionField). {@code addedFields} counts the last fields, which were added to the
 * existing collection (AddCollectionField): rows written before hold no value for them. Both are 0 in records
 * written before fields could be added.
 */
public record CollectionSchema(String description, List<FieldSchema> fields, boolean enableDynamicField,
                               List<FunctionSchema> functions, int version, int addedFields) {

    public CollectionSchema {
        fields = List.copyOf(fields);
        functions = functions == null ? List.of() : List.copyOf(functions);
        if (addedFields < 0 || addedFields > fields.size()) {
            throw new IllegalArgumentException(addedFields + " added fields of " + fields.size());
        }
    }

    public CollectionSchema(String description, List<FieldSchema> fields, boolean enableDynamicField,
                            List<FunctionSchema> functions) {
        this(description, fields, enableDynamicField, functions, 0, 0);
    }

    /** How many fields the collection was created with (its rows of before any AddCollectionField hold these). */
    public int createdFieldCount() {
        return fields.size() - addedFields;
    }

    /** This schema with {@code field} added at the end: a new version. */
    public CollectionSchema withAddedField(FieldSchema field) {
        List<FieldSchema> next = new java.util.ArrayList<>(fields);
        next.add(field);
        return new CollectionSchema(description, next, enableDynamicField, functions, version + 1, addedFields + 1);
    }

    /** This schema with field {@code name} replaced by {@code field}: a new version. */
    public CollectionSchema withChangedField(String name, FieldSchema field) {
        List<FieldSchema> next = fields.stream().map(f -> f.name().equals(name) ? field : f).toList();
        return new CollectionSchema(description, next, enableDynamicField, functions, version + 1, addedFields);
    }

    public CollectionSchema(String description, List<FieldSchema> fields, boolean enableDynamicField) {
        this(description, fields, enableDynamicField, List.of());
    }

    public FieldSchema primaryKey() {
        return fields.stream().filter(FieldSchema::primaryKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("schema without primary key"));
    }

    public Optional<FieldSchema> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public Optional<FieldSchema> dynamicField() {
        return fields.stream().filter(FieldSchema::dynamic).findFirst();
    }

    public List<FieldSchema> vectorFields() {
        return fields.stream().filter(f -> f.dataType().isVector()).toList();
    }

    /** The BM25 function whose output is {@code field}, if any. */
    public Optional<FunctionSchema> bm25Producing(String field) {
        return functions.stream().filter(f -> FunctionSchema.BM25.equals(f.type())
                && f.outputFieldNames().contains(field)).findFirst();
    }

    /** Whether {@code field} is computed by a function (clients never send it and cannot read it back). */
    public boolean isFunctionOutput(String field) {
        return functions.stream().anyMatch(f -> f.outputFieldNames().contains(field));
    }
}
