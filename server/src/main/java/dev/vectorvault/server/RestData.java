package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.common.ErrorCode;
import io.milvus.grpc.ArrayArray;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IDs;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * REST rows (JSON objects) to Milvus columns ({@code FieldData}) for insert and upsert, and result columns back to
 * rows. Types come from the collection's schema on the way in and from each column's own type on the way out.
 * Int64 values go out as JSON numbers, or as strings when the client says it cannot take 64-bit integers
 * ({@code Accept-Type-Allow-Int64: false}, what the Node SDK sends, JavaScript numbers having 53 bits).
 */
final class RestData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String DYNAMIC = "$meta";

    private RestData() {}

    /** One column per schema field the rows must carry (not an auto-generated key on insert), plus $meta. */
    static List<FieldData> columns(CollectionSchema schema, JsonNode rows, boolean upsert) {
        return columns(schema, rows, upsert, false);
    }

    /**
     * Columns for a write; with {@code partial} (REST's {@code partialUpdate}) only the fields the rows carry, so
     * the server keeps the stored values of the others. As in Milvus 2.6, every row of a partial update carries the
     * same fields (a row leaving out a field the others carry is refused: a column cannot skip a row), a key
     * included, which names the row to merge into; an explicit null counts as carried and sets a nullable field
     * to null.
     */
    static List<FieldData> columns(CollectionSchema schema, JsonNode rows, boolean upsert, boolean partial) {
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "data must be a non-empty array of row objects");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (!rows.get(r).isObject()) {
                throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + r + " is not a JSON object");
            }
        }
        List<FieldData> columns = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (FieldSchema field : schema.getFieldsList()) {
            if (field.getIsDynamic() || field.getIsFunctionOutput()) {
                continue;
            }
            known.add(field.getName());
            if (field.getIsPrimaryKey() && field.getAutoID() && !upsert) {
                for (JsonNode row : rows) {
                    if (row.has(field.getName())) {
                        throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "field " + field.getName()
                                + " is an auto-generated primary key (autoID): leave it out of inserted rows");
                    }
                }
                continue;
            }
            if (partial && !carriedByEveryRow(field, rows)) {
                continue;
            }
            columns.add(column(field, rows));
        }
        ArrayNode dynamicRows = NODES.arrayNode();
        int index = 0;
        for (JsonNode row : rows) {
            ObjectNode extra = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!known.contains(entry.getKey())) {
                    if (!schema.getEnableDynamicField()) {
                        throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + index + " has field "
                                + entry.getKey() + ", which is not in the schema (and dynamic fields are off)");
                    }
                    extra.set(entry.getKey(), entry.getValue());
                }
            }
            dynamicRows.add(extra);
            index++;
        }
        if (schema.getEnableDynamicField()) {
            JSONArray.Builder json = JSONArray.newBuilder();
            for (JsonNode extra : dynamicRows) {
                json.addData(ByteString.copyFrom(bytes(extra)));
            }
            // Always sent with dynamic fields on, empty objects included, as the SDKs do.
            columns.add(FieldData.newBuilder().setFieldName(DYNAMIC).setType(DataType.JSON).setIsDynamic(true)
                    .setScalars(ScalarField.newBuilder().setJsonData(json)).build());
        }
        return columns;
    }

    /**
     * Whether a partial update sends the field: true when every row carries it, false when none does (the key
     * excepted, which every row must carry); refused when only some rows do.
     */
    private static boolean carriedByEveryRow(FieldSchema field, JsonNode rows) {
        int missingAt = -1;
        int carried = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).has(field.getName())) {
                carried++;
            } else if (missingAt < 0) {
                missingAt = r;
            }
        }
        if (field.getIsPrimaryKey() && missingAt >= 0) {
            throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + missingAt + " has no value for primary key "
                    + field.getName() + ": a partial update finds the row to update by its key");
        }
        if (carried > 0 && missingAt >= 0) {
            throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "partial update: field " + field.getName()
                    + " is in " + carried + " of " + rows.size() + " rows (missing from row " + missingAt
                    + "); every row of one request must carry the same fields");
        }
        return carried > 0;
    }

    private static FieldData column(FieldSchema field, JsonNode rows) {
        String name = field.getName();
        boolean optional = field.getNullable() || field.hasDefaultValue();
        FieldData.Builder out = FieldData.newBuilder().setFieldName(name).setType(field.getDataType());
        List<JsonNode> values = new ArrayList<>();
        int index = 0;
        for (JsonNode row : rows) {
            JsonNode value = row.get(name);
            if (value == null || value.isNull()) {
                if (!optional) {
                    throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + index + " has no value for field "
                            + name);
                }
                value = null;
            }
            values.add(value);
            index++;
        }
        // valid_data marks nulls, and where a field's default value applies.
        if (optional) {
            values.forEach(v -> out.addValidData(v != null));
        }
        if (RestVectors.isVector(field.getDataType())) {
            return out.setVectors(RestVectors.column(field, values)).build();
        }
        return out.setScalars(scalars(field.getDataType(), field.getElementType(), values, name)).build();
    }

    private static ScalarField scalars(DataType type, DataType element, List<JsonNode> values, String name) {
        ScalarField.Builder out = ScalarField.newBuilder();
        switch (type) {
            case Bool -> {
                BoolArray.Builder b = BoolArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    JsonNode v = values.get(r);
                    if (v != null && !v.isBoolean()) {
                        throw wrongType(name, r, "a boolean");
                    }
                    b.addData(v != null && v.booleanValue());
                }
                out.setBoolData(b);
            }
            case Int8, Int16, Int32 -> {
                IntArray.Builder b = IntArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    JsonNode v = values.get(r);
                    if (v != null && !v.canConvertToInt()) {
                        throw wrongType(name, r, "an integer");
                    }
                    if (v != null && !v.isIntegralNumber()) {
                        throw wrongType(name, r, "an integer");
                    }
                    b.addData(v == null ? 0 : v.intValue());
                }
                out.setIntData(b);
            }
            case Int64 -> {
                LongArray.Builder b = LongArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    b.addData(values.get(r) == null ? 0 : int64(values.get(r), name, r));
                }
                out.setLongData(b);
            }
            case Float -> {
                FloatArray.Builder b = FloatArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    b.addData(values.get(r) == null ? 0 : (float) number(values.get(r), name, r));
                }
                out.setFloatData(b);
            }
            case Double -> {
                DoubleArray.Builder b = DoubleArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    b.addData(values.get(r) == null ? 0 : number(values.get(r), name, r));
                }
                out.setDoubleData(b);
            }
            case VarChar, String -> {
                StringArray.Builder b = StringArray.newBuilder();
                for (int r = 0; r < values.size(); r++) {
                    JsonNode v = values.get(r);
                    if (v != null && !v.isTextual()) {
                        throw wrongType(name, r, "a string");
                    }
                    b.addData(v == null ? "" : v.textValue());
                }
                out.setStringData(b);
            }
            case JSON -> {
                JSONArray.Builder b = JSONArray.newBuilder();
                for (JsonNode v : values) {
                    // A null row's place stays empty, as the server returns it; valid_data marks it.
                    b.addData(v == null ? ByteString.EMPTY : ByteString.copyFrom(bytes(v)));
                }
                out.setJsonData(b);
            }
            case Array -> {
                ArrayArray.Builder b = ArrayArray.newBuilder().setElementType(element);
                for (int r = 0; r < values.size(); r++) {
                    JsonNode v = values.get(r);
                    if (v != null && !v.isArray()) {
                        throw wrongType(name, r, "an array");
                    }
                    List<JsonNode> elements = new ArrayList<>();
                    if (v != null) {
                        v.forEach(elements::add);
                    }
                    b.addData(scalars(element, DataType.None, elements, name));
                }
                out.setArrayData(b);
            }
            default -> throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "field " + name + " has type " + type
                    + ", which the REST API does not accept yet");
        }
        return out.build();
    }

    private static RestFailure wrongType(String field, int row, String expected) {
        return RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + row + ": field " + field + " must be "
                + expected);
    }

    private static double number(JsonNode v, String field, int row) {
        if (!v.isNumber()) {
            throw wrongType(field, row, "a number");
        }
        return v.doubleValue();
    }

    /** JavaScript clients send 64-bit integers as strings: both forms are accepted. */
    static long int64(JsonNode v, String field, int row) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue().trim());
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        throw wrongType(field, row, "a 64-bit integer");
    }

    static int intParam(FieldSchema field, String key) {
        return field.getTypeParamsList().stream().filter(p -> p.getKey().equals(key)).findFirst()
                .map(p -> Integer.parseInt(p.getValue())).orElse(0);
    }

    // ------------------------------------------------------------------ results

    /** Rows from result columns ({@code rowCount} rows); the dynamic field's keys are merged into each row. */
    static List<ObjectNode> rows(List<FieldData> columns, int rowCount, boolean int64AsNumber) {
        List<ObjectNode> rows = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            rows.add(NODES.objectNode());
        }
        for (FieldData column : columns) {
            List<JsonNode> values = values(column, int64AsNumber);
            for (int r = 0; r < rowCount && r < values.size(); r++) {
                JsonNode value = values.get(r);
                if (column.getIsDynamic()) {
                    if (value instanceof ObjectNode object) {
                        rows.get(r).setAll(object);
                    }
                } else {
                    rows.get(r).set(column.getFieldName(), value);
                }
            }
        }
        return rows;
    }

    /** Rows in a column: its own count, whatever the type. */
    static int rowCount(FieldData column) {
        if (column.hasVectors()) {
            return RestVectors.rowCount(column.getVectors());
        }
        if (column.getValidDataCount() > 0) {
            return column.getValidDataCount();
        }
        ScalarField s = column.getScalars();
        return switch (s.getDataCase()) {
            case BOOL_DATA -> s.getBoolData().getDataCount();
            case INT_DATA -> s.getIntData().getDataCount();
            case LONG_DATA -> s.getLongData().getDataCount();
            case FLOAT_DATA -> s.getFloatData().getDataCount();
            case DOUBLE_DATA -> s.getDoubleData().getDataCount();
            case STRING_DATA -> s.getStringData().getDataCount();
            case JSON_DATA -> s.getJsonData().getDataCount();
            case ARRAY_DATA -> s.getArrayData().getDataCount();
            default -> 0;
        };
    }

    private static List<JsonNode> values(FieldData column, boolean int64AsNumber) {
        List<JsonNode> out = new ArrayList<>();
        if (column.hasVectors()) {
            return RestVectors.values(column.getVectors());
        }
        List<JsonNode> present = scalarValues(column.getScalars(), column.getType(), int64AsNumber);
        if (column.getValidDataCount() == 0) {
            return present;
        }
        boolean compact = present.size() < column.getValidDataCount();
        int next = 0;
        for (int r = 0; r < column.getValidDataCount(); r++) {
            boolean valid = column.getValidData(r);
            JsonNode value = compact ? (valid && next < present.size() ? present.get(next++) : null) : present.get(r);
            out.add(valid && value != null ? value : NODES.nullNode());
        }
        return out;
    }

    private static List<JsonNode> scalarValues(ScalarField s, DataType type, boolean int64AsNumber) {
        List<JsonNode> out = new ArrayList<>();
        switch (s.getDataCase()) {
            case BOOL_DATA -> s.getBoolData().getDataList().forEach(b -> out.add(NODES.booleanNode(b)));
            case INT_DATA -> s.getIntData().getDataList().forEach(i -> out.add(NODES.numberNode(i)));
            case LONG_DATA -> s.getLongData().getDataList().forEach(l -> out.add(int64AsNumber
                    ? NODES.numberNode(l) : NODES.textNode(Long.toString(l))));
            case FLOAT_DATA -> s.getFloatData().getDataList().forEach(f -> out.add(NODES.numberNode(f)));
            case DOUBLE_DATA -> s.getDoubleData().getDataList().forEach(d -> out.add(NODES.numberNode(d)));
            case STRING_DATA -> s.getStringData().getDataList().forEach(t -> out.add(NODES.textNode(t)));
            case JSON_DATA -> s.getJsonData().getDataList().forEach(j -> out.add(parse(j)));
            case ARRAY_DATA -> {
                for (ScalarField element : s.getArrayData().getDataList()) {
                    ArrayNode array = NODES.arrayNode();
                    array.addAll(scalarValues(element, s.getArrayData().getElementType(), int64AsNumber));
                    out.add(array);
                }
            }
            default -> { }
        }
        return out;
    }

    private static JsonNode parse(ByteString json) {
        if (json.isEmpty()) {
            return NODES.nullNode();
        }
        try {
            return JSON.readTree(json.toByteArray());
        } catch (IOException e) {
            return NODES.textNode(json.toStringUtf8());
        }
    }

    /** IDs as JSON values (numbers or strings, as {@link #rows}). */
    static ArrayNode ids(IDs ids, boolean int64AsNumber) {
        ArrayNode out = NODES.arrayNode();
        if (ids.hasIntId()) {
            ids.getIntId().getDataList().forEach(l -> out.add(int64AsNumber ? NODES.numberNode(l)
                    : NODES.textNode(Long.toString(l))));
        } else if (ids.hasStrId()) {
            ids.getStrId().getDataList().forEach(out::add);
        }
        return out;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
