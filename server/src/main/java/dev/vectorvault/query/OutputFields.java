package dev.vectorvault.query;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.LoadedFields;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which fields a search or query returns, resolved as Milvus does: {@code *} means every field (vectors and the
 * dynamic field included), a schema field name means that field, {@code $meta} the whole dynamic field, and any
 * other name a key of the dynamic field. The primary key always comes back.
 *
 * @param fields      schema fields to return, in schema order
 * @param names       the names to report as {@code output_fields}
 * @param dynamicKeys keys of the dynamic field to keep; null keeps all (when the dynamic field is returned)
 */
public record OutputFields(List<FieldSchema> fields, List<String> names, Set<String> dynamicKeys) {

    public static OutputFields resolve(CollectionSchema schema, List<String> requested, boolean includePrimaryKey) {
        return resolve(new LoadedFields(schema, Set.of()), requested, includePrimaryKey);
    }

    /**
     * As Milvus resolves them on a partly loaded collection: {@code *} means every loaded field, and naming a field
     * (or a dynamic key) that is not loaded is refused ({@link LoadedFields}).
     */
    public static OutputFields resolve(LoadedFields loaded, List<String> requested, boolean includePrimaryKey) {
        CollectionSchema schema = loaded.schema();
        Set<String> wanted = new LinkedHashSet<>();
        Set<String> dynamicKeys = new LinkedHashSet<>();
        boolean allDynamic = false;
        List<String> names = new ArrayList<>();
        for (String name : requested) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals("*")) {
                // Milvus leaves function outputs out of "*" (their raw data is not retrievable).
                schema.fields().stream().filter(f -> !schema.isFunctionOutput(f.name()) && loaded.loaded(f))
                        .forEach(f -> wanted.add(f.name()));
                allDynamic = true;
                continue;
            }
            FieldSchema field = schema.field(trimmed).orElse(null);
            if (field != null && schema.isFunctionOutput(field.name())) {
                throw MilvusException.invalidParameter("not allowed to retrieve raw data of field " + field.name());
            }
            if (field != null) {
                loaded.requireOutput(field);
                wanted.add(field.name());
                allDynamic |= field.dynamic();
            } else if (schema.enableDynamicField()) {
                loaded.requireDynamicOutput(trimmed);
                dynamicKeys.add(trimmed);
                names.add(trimmed);
            } else {
                throw new MilvusException(ErrorCode.FIELD_NOT_FOUND, "field " + trimmed + " not exist");
            }
        }
        if (includePrimaryKey) {
            wanted.add(schema.primaryKey().name());
        }
        if (!dynamicKeys.isEmpty()) {
            schema.dynamicField().ifPresent(f -> wanted.add(f.name()));
        }
        List<FieldSchema> fields = schema.fields().stream().filter(f -> wanted.contains(f.name())).toList();
        List<String> reported = new ArrayList<>();
        for (FieldSchema f : fields) {
            if (!f.dynamic() || allDynamic) {
                reported.add(f.name());
            }
        }
        reported.addAll(names);
        return new OutputFields(fields, reported, allDynamic ? null : dynamicKeys);
    }
}
