package dev.vectorvault.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The fields of a collection, in declaration order (the dynamic field, when enabled, last), and its functions (BM25:
 * output fields the server computes; none in records written before functions existed).
 */
public record CollectionSchema(String description, List<FieldSchema> fields, boolean enableDynamicField,
                               List<FunctionSchema> functions) {

    public CollectionSchema {
        fields = List.copyOf(fields);
        functions = functions == null ? List.of() : List.copyOf(functions);
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
