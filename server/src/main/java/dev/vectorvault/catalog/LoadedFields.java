package dev.vectorvault.catalog;

import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The fields a load brought into memory: Milvus's partial load ({@code load_fields}, {@code skip_load_dynamic_field}
 * of LoadCollection / LoadPartitions). Every row keeps every field (inserts take them all); only what a search or
 * query may name is narrowed, and each read path asks this one type before it reads a field: an output field, a
 * field or dynamic key in a filter, the searched vector field, the group-by field. A name it refuses is refused with
 * Milvus's message, never answered as if the field were empty.
 *
 * <p>{@code ids} are field ids; empty means every field (a whole load, or nothing loaded).
 */
public record LoadedFields(CollectionSchema schema, Set<Long> ids) {

    public LoadedFields {
        ids = Set.copyOf(ids);
    }

    /**
     * The field ids a load request asks for, as Milvus resolves them: no names means every field (the dynamic field
     * too unless skipped); names must be fields of the schema and include the primary key, a vector field and the
     * partition key, and the dynamic field comes along unless skipped. Empty when that is every field.
     */
    public static List<Long> requested(CollectionSchema schema, List<String> names, boolean skipDynamicField) {
        Set<Long> ids = new TreeSet<>();
        if (names.isEmpty()) {
            schema.fields().stream().filter(f -> !(f.dynamic() && skipDynamicField)).forEach(f -> ids.add(f.fieldId()));
        } else {
            for (String name : names) {
                FieldSchema field = schema.field(name).orElseThrow(() -> MilvusException.invalidParameter(
                        "failed to get field schema by name: fieldName(" + name + ") not found"));
                ids.add(field.fieldId());
            }
            if (!skipDynamicField) {
                schema.dynamicField().ifPresent(f -> ids.add(f.fieldId()));
            }
            requireWhatEveryReadNeeds(schema, names, ids);
        }
        return ids.size() == schema.fields().size() ? List.of() : List.copyOf(ids);
    }

    /** Milvus's rules for a named list: what identifies, finds and routes rows cannot be left out. */
    private static void requireWhatEveryReadNeeds(CollectionSchema schema, List<String> names, Set<Long> ids) {
        String list = goList(names);
        FieldSchema primaryKey = schema.primaryKey();
        if (!ids.contains(primaryKey.fieldId())) {
            throw MilvusException.invalidParameter("load field list " + list
                    + " does not contain primary key field " + primaryKey.name());
        }
        if (schema.vectorFields().stream().noneMatch(f -> ids.contains(f.fieldId()))) {
            throw MilvusException.invalidParameter("load field list " + list + " does not contain vector field");
        }
        for (FieldSchema field : schema.fields()) {
            if (field.partitionKey() && !ids.contains(field.fieldId())) {
                throw MilvusException.invalidParameter("load field list " + list
                        + " does not contain partition key field " + field.name());
            }
        }
    }

    /**
     * A load with {@code requested} (from {@link #requested}) on the collection already loaded with these fields: a
     * different list is refused as Milvus refuses it (release first), both shown as field ids; the same list loads on.
     */
    public void requireUnchanged(List<Long> requested) {
        if (!ids.equals(Set.copyOf(requested))) {
            throw MilvusException.invalidParameterAsIs("can't change the load field list for loaded collection:"
                    + " invalid parameter[expected=" + goList(fieldIds(ids)) + "][actual="
                    + goList(fieldIds(requested)) + "]");
        }
    }

    /** The ids in order, every field's for the empty list. */
    private Set<Long> fieldIds(java.util.Collection<Long> listed) {
        Set<Long> out = new TreeSet<>(listed);
        if (out.isEmpty()) {
            schema.fields().forEach(f -> out.add(f.fieldId()));
        }
        return out;
    }

    public boolean all() {
        return ids.isEmpty();
    }

    public boolean loaded(FieldSchema field) {
        return ids.isEmpty() || ids.contains(field.fieldId());
    }

    /** Whether keys of the dynamic field can be read: the collection has one and it is loaded. */
    public boolean dynamicLoaded() {
        return schema.dynamicField().map(this::loaded).orElse(false);
    }

    /** An output field named by the client. */
    public void requireOutput(FieldSchema field) {
        if (!loaded(field)) {
            throw MilvusException.invalidParameterAsIs("field " + field.name() + " is not loaded");
        }
    }

    /** An output name that is a key of the dynamic field. */
    public void requireDynamicOutput(String key) {
        if (!dynamicLoaded()) {
            throw MilvusException.invalidParameterAsIs("field " + key
                    + " cannot be returned since dynamic field not loaded");
        }
    }

    /** The vector field a search runs on. */
    public void requireSearched(FieldSchema vector) {
        if (!loaded(vector)) {
            throw MilvusException.invalidParameterAsIs("ann field \"" + vector.name() + "\" not loaded");
        }
    }

    /** The field a search groups on. */
    public void requireGroupBy(FieldSchema field) {
        if (!loaded(field)) {
            throw MilvusException.invalidParameterAsIs("group by field " + field.name() + " is not loaded");
        }
    }

    /** Go's rendering of a slice ({@code [a b]}), as Milvus's messages show lists. */
    private static String goList(java.util.Collection<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"));
    }
}
