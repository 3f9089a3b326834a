package dev.vectorvault.catalog;

import java.util.List;
import java.util.Optional;

/** The fields of a collection, in declaration order (the dynamic field, when enabled, last). */
public record CollectionSchema(String description, List<FieldSchema> fields, boolean enableDynamicField) {

    public CollectionSchema {
        fields = List.copyOf(fields);
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
}
