package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.ingest.ParquetRows;
import dev.vectorvault.ingest.ParquetRows.Column;
import dev.vectorvault.ingest.ParquetRows.Kind;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.CollectionSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Parquet file as Milvus 2.6 reads one (what the SDKs' BulkWriters write by default): one column per field, by
 * name, in the Arrow type the field's type maps to — integers and floats as themselves (a column may be narrower,
 * and integers may fill float fields, as Milvus converts), VarChar and JSON as strings, Array as a list of its
 * element, FloatVector as a list of floats or doubles, BinaryVector/Float16Vector/BFloat16Vector as a list of uint8
 * ({@code dim / 8} or {@code dim * 2} bytes) or binary, Int8Vector as a list of int8, SparseFloatVector as JSON text
 * or a struct of {@code indices} and {@code values} lists; the dynamic field {@code $meta} as JSON text of an object.
 * As in Milvus, every field must have its column (except an auto-generated key, which must not, and a function's
 * output), and a column that is no field is refused rather than guessed into the dynamic field. Rows then go the
 * way a REST insert's rows go, so they are checked and stored as the same rows inserted.
 */
final class ParquetBatches extends ImportBatches {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Kind> SIGNED = EnumSet.of(Kind.INT8, Kind.INT16, Kind.INT32, Kind.INT64);
    private static final Set<Kind> FLOATING = EnumSet.of(Kind.FLOAT, Kind.DOUBLE);

    private final Collection collection;
    private final CollectionSchema schema;
    private final ParquetRows rows;
    private final String name;
    private final long batchBytes;
    /** Per column: the field it fills, or null for {@code $meta}. */
    private final List<FieldSchema> fields = new ArrayList<>();

    ParquetBatches(Collection collection, Path file, String name, long batchBytes, long maxRowGroupBytes) {
        this.collection = collection;
        this.schema = SchemaMapper.toProto(collection.name(), collection.schema());
        this.name = name;
        this.batchBytes = batchBytes;
        this.rows = new ParquetRows(file, name, maxRowGroupBytes);
        try {
            Set<String> given = new HashSet<>();
            for (Column column : rows.columns()) {
                if (!given.add(column.name())) {
                    throw fileFailed(name, "there is more than one column named " + column.name());
                }
                fields.add(field(column));
            }
            for (FieldSchema field : collection.schema().fields()) {
                if (!given.contains(field.name()) && !field.dynamic() && !(field.primaryKey() && field.autoId())
                        && !collection.schema().isFunctionOutput(field.name())) {
                    throw fileFailed(name, "no column for field " + field.name() + " (every field needs its column)");
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The field a column fills, once its type is known to fit. */
    private FieldSchema field(Column column) {
        String columnName = column.name();
        if (columnName.equals(FieldSchema.DYNAMIC_FIELD_NAME) && collection.schema().enableDynamicField()) {
            if (column.kind() != Kind.STRING && column.kind() != Kind.NULL) {
                throw fileFailed(name, "column " + columnName + " is " + column.typeName()
                        + "; the dynamic field is JSON text of an object");
            }
            return null;
        }
        FieldSchema field = collection.schema().field(columnName).filter(f -> !f.dynamic()).orElseThrow(() ->
                fileFailed(name, "column " + columnName + " is not a field of collection " + collection.name()
                        + (collection.schema().enableDynamicField() ? "; dynamic keys go in the "
                        + FieldSchema.DYNAMIC_FIELD_NAME + " column as JSON text" : " (and dynamic fields are off)")));
        if (field.primaryKey() && field.autoId()) {
            throw fileFailed(name, "the primary key " + columnName
                    + " is auto-generated (autoID); leave its column out");
        }
        if (collection.schema().isFunctionOutput(columnName)) {
            throw fileFailed(name, "field " + columnName + " is the output of a function; leave its column out");
        }
        if (!fits(field, column)) {
            throw fileFailed(name, "column " + columnName + " is " + column.typeName() + ", which does not fit field "
                    + columnName + " (" + field.dataType() + (field.dataType() == DataType.ARRAY ? " of "
                    + field.elementType() : "") + (field.dataType().isVector() && field.dim() > 0 ? ", dim "
                    + field.dim() : "") + ")");
        }
        return field;
    }

    // ------------------------------------------------------------------ types

    private static boolean fits(FieldSchema field, Column column) {
        Kind kind = column.kind();
        if (kind == Kind.NULL) {
            return field.nullable() || field.defaultValue() != null;
        }
        return switch (field.dataType()) {
            case ARRAY -> kind == Kind.LIST && scalarFits(field.elementType(), column.element().kind());
            case FLOAT_VECTOR -> kind == Kind.LIST && (SIGNED.contains(column.element().kind())
                    || FLOATING.contains(column.element().kind()));
            case BINARY_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR -> kind == Kind.BINARY
                    || kind == Kind.LIST && column.element().kind() == Kind.UINT8;
            case INT8_VECTOR -> kind == Kind.LIST && column.element().kind() == Kind.INT8;
            case SPARSE_FLOAT_VECTOR -> kind == Kind.STRING || isSparseStruct(column);
            default -> scalarFits(field.dataType(), kind);
        };
    }

    /** Milvus's widening: a narrower signed integer fits a wider one, any number fits a float field. */
    private static boolean scalarFits(DataType type, Kind kind) {
        return switch (type) {
            case BOOL -> kind == Kind.BOOL;
            case INT8 -> kind == Kind.INT8;
            case INT16 -> kind == Kind.INT8 || kind == Kind.INT16;
            case INT32 -> kind == Kind.INT8 || kind == Kind.INT16 || kind == Kind.INT32;
            case INT64 -> SIGNED.contains(kind);
            case FLOAT, DOUBLE -> SIGNED.contains(kind) || FLOATING.contains(kind);
            case VARCHAR, JSON -> kind == Kind.STRING;
            default -> false;
        };
    }

    /** {@code struct<indices: list<int32|uint32|int64|uint64>, values: list<float|double>>}, as Milvus takes it. */
    private static boolean isSparseStruct(Column column) {
        if (column.kind() != Kind.STRUCT || column.children().size() != 2) {
            return false;
        }
        Column indices = column.children().stream().filter(c -> c.name().equals("indices")).findFirst().orElse(null);
        Column values = column.children().stream().filter(c -> c.name().equals("values")).findFirst().orElse(null);
        return indices != null && values != null && indices.kind() == Kind.LIST && values.kind() == Kind.LIST
                && EnumSet.of(Kind.INT32, Kind.UINT32, Kind.INT64, Kind.UINT64).contains(indices.element().kind())
                && FLOATING.contains(values.element().kind());
    }

    // ------------------------------------------------------------------ rows

    @Override
    ColumnBatch next() {
        long first = rows.rowsRead() + 1;
        List<Object[]> batch = rows.next(batchBytes);
        if (batch.isEmpty()) {
            return null;
        }
        ArrayNode array = NODES.arrayNode();
        for (Object[] values : batch) {
            array.add(row(values, first + array.size()));
        }
        return rowBatch(collection, schema, array, "file " + name + ", rows " + first + "-" + rows.rowsRead());
    }

    private ObjectNode row(Object[] values, long rowNumber) {
        ObjectNode row = NODES.objectNode();
        JsonNode meta = null;
        for (int i = 0; i < values.length; i++) {
            FieldSchema field = fields.get(i);
            if (field == null) {
                meta = values[i] == null ? null : json((String) values[i], FieldSchema.DYNAMIC_FIELD_NAME, rowNumber);
            } else if (values[i] != null) {
                row.set(field.name(), value(field, values[i], rowNumber));
            }
        }
        if (meta != null) {
            if (!meta.isObject()) {
                throw fileFailed(name, "row " + rowNumber + ": the value of " + FieldSchema.DYNAMIC_FIELD_NAME
                        + " must be a JSON object");
            }
            for (var it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> key = it.next();
                if (collection.schema().field(key.getKey()).isPresent()) {
                    throw fileFailed(name, "row " + rowNumber + ": key " + key.getKey() + " of "
                            + FieldSchema.DYNAMIC_FIELD_NAME + " is a field of the schema");
                }
                row.set(key.getKey(), key.getValue());
            }
        }
        return row;
    }

    private JsonNode value(FieldSchema field, Object value, long rowNumber) {
        return switch (field.dataType()) {
            case JSON -> json((String) value, field.name(), rowNumber);
            case ARRAY -> {
                ArrayNode elements = NODES.arrayNode();
                ((List<?>) value).forEach(element -> elements.add(scalar(element)));
                yield elements;
            }
            case FLOAT_VECTOR, INT8_VECTOR -> {
                ArrayNode components = NODES.arrayNode();
                ((List<?>) value).forEach(component -> components.add(scalar(component)));
                yield components;
            }
            // The REST form of byte-laid vectors: base64 of the row's bytes, checked for width by the insert path.
            case BINARY_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR -> NODES.textNode(Base64.getEncoder()
                    .encodeToString(bytes(value)));
            case SPARSE_FLOAT_VECTOR -> value instanceof String text ? json(text, field.name(), rowNumber)
                    : sparse((Map<?, ?>) value);
            default -> scalar(value);
        };
    }

    private static JsonNode scalar(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof Long l) {
            return NODES.numberNode(l);
        } else if (value instanceof Float f) {
            return NODES.numberNode(f);
        } else if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        return NODES.textNode((String) value);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        List<?> list = (List<?>) value;
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (long) (Long) list.get(i); // uint8, checked by the column's type
        }
        return out;
    }

    private static JsonNode sparse(Map<?, ?> struct) {
        ObjectNode out = NODES.objectNode();
        ArrayNode indices = out.putArray("indices");
        ((List<?>) struct.get("indices")).forEach(i -> indices.add(scalar(i)));
        ArrayNode values = out.putArray("values");
        ((List<?>) struct.get("values")).forEach(v -> values.add(scalar(v)));
        return out;
    }

    private JsonNode json(String text, String column, long rowNumber) {
        try {
            return jsonText(text);
        } catch (IOException e) {
            throw fileFailed(name, "row " + rowNumber + ": the value of " + column + " is not JSON");
        }
    }

    @Override
    public void close() {
        closeAll(rows);
    }
}
