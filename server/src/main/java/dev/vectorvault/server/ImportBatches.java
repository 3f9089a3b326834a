package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.ingest.CsvRecords;
import dev.vectorvault.ingest.JsonRows;
import dev.vectorvault.ingest.NpyColumn;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One import file group read as insert batches. Rows become the wire columns an Insert would carry (a JSON row as a
 * REST insert row, a NumPy column as the field's {@code FieldData}) and then the very {@link ColumnBatch} an Insert
 * decodes, so an imported row is checked and stored exactly as the same row inserted.
 */
abstract class ImportBatches implements AutoCloseable {
    /** The next batch, or null once the group is read. */
    abstract ColumnBatch next();

    @Override
    public abstract void close();

    /** The reader for a group of files already known to be of one type ({@code .json} alone, or {@code .npy}). */
    static ImportBatches open(Collection collection, List<Path> files, List<String> names, long batchBytes,
                              ImportOptions.Csv csv) {
        return switch (ImportOptions.extension(names.get(0))) {
            case ".json" -> new Json(collection, files.get(0), names.get(0), batchBytes);
            case ".csv" -> new Csv(collection, files.get(0), names.get(0), batchBytes, csv);
            default -> new Numpy(collection, files, names, batchBytes);
        };
    }

    /** Rows as REST insert rows, to the columns an Insert carries, to the batch an Insert decodes. */
    private static ColumnBatch rowBatch(Collection collection, io.milvus.grpc.CollectionSchema schema, ArrayNode rows,
                                        String where) {
        try {
            return DataRpc.batch(collection, RestData.columns(schema, rows, false), rows.size());
        } catch (RuntimeException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, where + " (row numbers within the batch count from 0): "
                    + e.getMessage());
        }
    }

    /** Closes readers of a file only read from: a failure to close loses nothing. */
    private static void closeAll(AutoCloseable... readers) {
        for (AutoCloseable reader : readers) {
            try {
                reader.close();
            } catch (Exception ignored) {
                // read only
            }
        }
    }

    private static InputStream input(Path file, String name) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "cannot read import file " + name + ": "
                    + e.getMessage());
        }
    }

    private static final class Json extends ImportBatches {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();
        private final Collection collection;
        private final io.milvus.grpc.CollectionSchema schema;
        private final InputStream in;
        private final JsonRows rows;
        private final String name;
        private final long batchBytes;

        Json(Collection collection, Path file, String name, long batchBytes) {
            this.collection = collection;
            this.schema = SchemaMapper.toProto(collection.name(), collection.schema());
            this.in = input(file, name);
            this.rows = new JsonRows(in, name);
            this.name = name;
            this.batchBytes = batchBytes;
        }

        @Override
        ColumnBatch next() {
            long first = rows.rowsRead() + 1;
            List<JsonNode> batch = rows.next(batchBytes);
            if (batch.isEmpty()) {
                return null;
            }
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            batch.forEach(row -> array.add(withDynamicKeys((ObjectNode) row)));
            return rowBatch(collection, schema, array, "file " + name + ", rows " + first + "-" + rows.rowsRead());
        }

        /** Milvus's {@code $meta} key holds a row's dynamic fields (an object, or its JSON text); merged as keys. */
        private ObjectNode withDynamicKeys(ObjectNode row) {
            JsonNode meta = row.remove(FieldSchema.DYNAMIC_FIELD_NAME);
            if (meta == null || meta.isNull()) {
                return row;
            }
            if (meta.isTextual()) {
                meta = JSON.valueToTree(JsonValues.parse(meta.asText().getBytes(StandardCharsets.UTF_8)));
            }
            if (!meta.isObject()) {
                throw new MilvusException(ErrorCode.IMPORT_FAILED, "file " + name + ": the value of "
                        + FieldSchema.DYNAMIC_FIELD_NAME + " must be a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!row.has(entry.getKey())) {
                    row.set(entry.getKey(), entry.getValue());
                }
            }
            return row;
        }

        @Override
        public void close() {
            closeAll(rows, in);
        }
    }

    /**
     * A CSV file as Milvus reads one: a header of field names, one row per record; a cell equal to {@code nullkey}
     * is null (or the field's default); numbers and booleans as text, vectors, arrays and JSON as JSON text;
     * {@code $meta} holds dynamic keys as a JSON object, other columns go to the dynamic field as strings.
     */
    private static final class Csv extends ImportBatches {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();
        private static final java.util.regex.Pattern DECIMAL =
                java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
        private final Collection collection;
        private final io.milvus.grpc.CollectionSchema schema;
        private final InputStream in;
        private final CsvRecords records;
        private final List<String> header;
        private final String name;
        private final long batchBytes;
        private final String nullKey;
        private long rowsRead;

        Csv(Collection collection, Path file, String name, long batchBytes, ImportOptions.Csv csv) {
            this.collection = collection;
            this.schema = SchemaMapper.toProto(collection.name(), collection.schema());
            this.in = input(file, name);
            this.records = new CsvRecords(in, csv.separator(), name);
            this.name = name;
            this.batchBytes = batchBytes;
            this.nullKey = csv.nullKey();
            List<String> names = records.next();
            if (names == null) {
                close();
                throw new MilvusException(ErrorCode.IMPORT_FAILED, "failed to read csv header of " + name
                        + ": the file is empty");
            }
            for (String column : names) {
                collection.schema().field(column).filter(f -> f.primaryKey() && f.autoId()).ifPresent(f -> {
                    close();
                    throw new MilvusException(ErrorCode.IMPORT_FAILED, "the primary key '" + column
                            + "' is auto-generated, no need to provide");
                });
                if (!collection.schema().enableDynamicField() && (collection.schema().field(column).isEmpty()
                        || column.equals(FieldSchema.DYNAMIC_FIELD_NAME))) {
                    close();
                    throw new MilvusException(ErrorCode.IMPORT_FAILED, "column " + column + " of " + name
                            + " is not a field of collection " + collection.name() + " (and dynamic fields are off)");
                }
            }
            this.header = names;
        }

        @Override
        ColumnBatch next() {
            long start = records.charsRead();
            long first = rowsRead + 1;
            ArrayNode rows = JsonNodeFactory.instance.arrayNode();
            for (List<String> record; records.charsRead() - start < batchBytes && (record = records.next()) != null; ) {
                rowsRead++;
                rows.add(row(record));
            }
            return rows.isEmpty() ? null : rowBatch(collection, schema, rows, "file " + name + ", rows " + first
                    + "-" + rowsRead);
        }

        private ObjectNode row(List<String> record) {
            ObjectNode row = JsonNodeFactory.instance.objectNode();
            ObjectNode dynamic = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < header.size(); i++) {
                String column = header.get(i);
                String cell = record.get(i);
                java.util.Optional<FieldSchema> field = collection.schema().field(column).filter(f -> !f.dynamic());
                if (field.isPresent()) {
                    if (!(cell.equals(nullKey) && (field.get().nullable() || field.get().defaultValue() != null))) {
                        row.set(column, value(field.get(), cell));
                    }
                } else if (column.equals(FieldSchema.DYNAMIC_FIELD_NAME)) {
                    JsonNode meta = parse(cell, column);
                    if (!meta.isObject()) {
                        throw failed("illegal value for dynamic field, not a JSON object (row " + rowsRead + ")");
                    }
                    meta.fields().forEachRemaining(e -> {
                        if (header.contains(e.getKey())) {
                            throw failed("duplicated key in dynamic field, key=" + e.getKey() + " (row " + rowsRead
                                    + ")");
                        }
                        dynamic.set(e.getKey(), e.getValue());
                    });
                } else {
                    dynamic.put(column, cell); // CSV has no types: Milvus keeps extra columns as strings
                }
            }
            dynamic.fields().forEachRemaining(e -> row.set(e.getKey(), e.getValue()));
            return row;
        }

        private JsonNode value(FieldSchema field, String cell) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            try {
                return switch (field.dataType()) {
                    case BOOL -> switch (cell) {
                        case "1", "t", "T", "true", "TRUE", "True" -> nodes.booleanNode(true);
                        case "0", "f", "F", "false", "FALSE", "False" -> nodes.booleanNode(false);
                        default -> throw new NumberFormatException();
                    };
                    case INT8, INT16, INT32, INT64 -> nodes.numberNode(Long.parseLong(cell));
                    case FLOAT, DOUBLE -> {
                        if (!DECIMAL.matcher(cell).matches()) {
                            throw new NumberFormatException();
                        }
                        yield nodes.numberNode(Double.parseDouble(cell));
                    }
                    case VARCHAR -> nodes.textNode(cell);
                    default -> parse(cell, field.name());
                };
            } catch (NumberFormatException e) {
                throw failed("illegal value '" + cell + "' for " + field.dataType() + " field " + field.name()
                        + " (row " + rowsRead + ")");
            }
        }

        private JsonNode parse(String cell, String column) {
            try {
                return JSON.readTree(cell);
            } catch (IOException e) {
                throw failed("the value of " + column + " is not JSON (row " + rowsRead + ")");
            }
        }

        private MilvusException failed(String why) {
            return new MilvusException(ErrorCode.IMPORT_FAILED, "file " + name + ": " + why);
        }

        @Override
        public void close() {
            closeAll(records, in);
        }
    }

    private static final class Numpy extends ImportBatches {
        private final Collection collection;
        private final Map<String, NpyColumn> columns = new LinkedHashMap<>();
        private final Map<String, FieldSchema> fields = new LinkedHashMap<>();
        private final int rowsPerBatch;
        private long left;

        Numpy(Collection collection, List<Path> files, List<String> names, long batchBytes) {
            this.collection = collection;
            long rowBytes = 0;
            long rows = -1;
            try {
                for (int i = 0; i < files.size(); i++) {
                    String name = names.get(i);
                    String fieldName = Path.of(name).getFileName().toString().replaceFirst("\\.npy$", "");
                    FieldSchema field = field(fieldName, name);
                    if (columns.containsKey(field.name())) {
                        throw failed("field " + field.name() + " is given by more than one file");
                    }
                    NpyColumn column = new NpyColumn(input(files.get(i), name), name);
                    columns.put(field.name(), column);
                    fields.put(field.name(), field);
                    checkType(field, column, name);
                    if (rows >= 0 && column.rows() != rows) {
                        throw failed("the files hold different numbers of rows (" + rows + " and " + column.rows()
                                + " in " + name + ")");
                    }
                    rows = column.rows();
                    rowBytes += column.rowBytes();
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            this.left = rows;
            this.rowsPerBatch = (int) Math.max(1, Math.min(100_000, batchBytes / Math.max(1, rowBytes)));
        }

        private FieldSchema field(String fieldName, String file) {
            FieldSchema field = collection.schema().field(fieldName).orElseThrow(() -> failed("file " + file
                    + " names field " + fieldName + ", which collection " + collection.name() + " does not have"));
            if (field.primaryKey() && field.autoId()) {
                throw failed("the primary key " + fieldName + " is auto-generated (autoID); leave out " + file);
            }
            return field;
        }

        private static void checkType(FieldSchema field, NpyColumn column, String file) {
            String type = column.type();
            boolean fits = switch (field.dataType()) {
                case BOOL -> type.equals("b1") && column.width() == 0;
                case INT8 -> type.equals("i1") && column.width() == 0;
                case INT16 -> type.equals("i2") && column.width() == 0;
                case INT32 -> type.equals("i4") && column.width() == 0;
                case INT64 -> type.equals("i8") && column.width() == 0;
                case FLOAT -> type.equals("f4") && column.width() == 0;
                case DOUBLE -> type.equals("f8") && column.width() == 0;
                case VARCHAR, JSON -> type.equals("U");
                case FLOAT_VECTOR -> (type.equals("f4") || type.equals("f8")) && column.width() == field.dim();
                case BINARY_VECTOR -> type.equals("u1") && column.width() * 8 == field.dim();
                default -> throw failed("field " + field.name() + " of type " + field.dataType()
                        + " cannot be imported from NumPy files here; use a JSON file");
            };
            if (!fits) {
                throw failed("file " + file + " holds " + type + (column.width() > 0 ? " rows of "
                        + column.width() : " values") + ", which does not fit field " + field.name() + " ("
                        + field.dataType() + (field.dataType().isVector() ? ", dim " + field.dim() : "") + ")");
            }
        }

        @Override
        ColumnBatch next() {
            if (left <= 0) {
                return null;
            }
            int count = (int) Math.min(rowsPerBatch, left);
            left -= count;
            List<FieldData> data = new ArrayList<>();
            columns.forEach((name, column) -> data.add(fieldData(fields.get(name), column.next(count))));
            return DataRpc.batch(collection, data, count);
        }

        private static FieldData fieldData(FieldSchema field, List<Object> values) {
            FieldData.Builder out = FieldData.newBuilder().setFieldName(field.name());
            if (field.dynamic()) {
                return out.setType(io.milvus.grpc.DataType.JSON).setIsDynamic(true)
                        .setScalars(ScalarField.newBuilder().setJsonData(json(values))).build();
            }
            out.setType(SchemaMapper.protoType(field.dataType()));
            ScalarField.Builder scalars = ScalarField.newBuilder();
            switch (field.dataType()) {
                case BOOL -> scalars.setBoolData(BoolArray.newBuilder().addAllData(values.stream()
                        .map(Boolean.class::cast).toList()));
                case INT8, INT16, INT32 -> scalars.setIntData(IntArray.newBuilder().addAllData(values.stream()
                        .map(v -> (int) (long) (Long) v).toList()));
                case INT64 -> scalars.setLongData(LongArray.newBuilder().addAllData(values.stream()
                        .map(Long.class::cast).toList()));
                case FLOAT -> scalars.setFloatData(FloatArray.newBuilder().addAllData(values.stream()
                        .map(v -> (float) (double) (Double) v).toList()));
                case DOUBLE -> scalars.setDoubleData(DoubleArray.newBuilder().addAllData(values.stream()
                        .map(Double.class::cast).toList()));
                case VARCHAR -> scalars.setStringData(StringArray.newBuilder().addAllData(values.stream()
                        .map(String.class::cast).toList()));
                case JSON -> scalars.setJsonData(json(values));
                case FLOAT_VECTOR -> {
                    FloatArray.Builder floats = FloatArray.newBuilder();
                    for (Object v : values) {
                        if (v instanceof float[] f) {
                            for (float x : f) {
                                floats.addData(x);
                            }
                        } else {
                            for (double x : (double[]) v) {
                                floats.addData((float) x);
                            }
                        }
                    }
                    return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setFloatVector(floats)).build();
                }
                case BINARY_VECTOR -> {
                    ByteString bits = ByteString.EMPTY;
                    for (Object v : values) {
                        bits = bits.concat(ByteString.copyFrom((byte[]) v));
                    }
                    return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setBinaryVector(bits)).build();
                }
                default -> throw new IllegalStateException("checked when the file was opened");
            }
            return out.setScalars(scalars).build();
        }

        private static JSONArray json(List<Object> values) {
            JSONArray.Builder json = JSONArray.newBuilder();
            values.forEach(v -> json.addData(ByteString.copyFromUtf8((String) v)));
            return json.build();
        }

        private static MilvusException failed(String why) {
            return new MilvusException(ErrorCode.IMPORT_FAILED, why);
        }

        @Override
        public void close() {
            columns.values().forEach(NpyColumn::close);
        }
    }
}
