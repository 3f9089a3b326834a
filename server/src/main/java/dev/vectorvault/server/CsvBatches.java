package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.ingest.CsvRecords;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.CollectionSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A CSV file as Milvus reads one: a header of field names, one row per record; a cell equal to {@code nullkey}
 * is null (or the field's default); numbers and booleans as text, vectors, arrays and JSON as JSON text;
 * {@code $meta} holds dynamic keys as a JSON object, other columns go to the dynamic field as strings.
 */
final class CsvBatches extends ImportBatches {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private final Collection collection;
    private final CollectionSchema schema;
    private final InputStream in;
    private final CsvRecords records;
    private final List<String> header;
    private final String name;
    private final long batchBytes;
    private final String nullKey;
    private long rowsRead;

    CsvBatches(Collection collection, Path file, String name, long batchBytes, ImportOptions.Csv csv) {
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
            Optional<FieldSchema> field = collection.schema().field(column).filter(f -> !f.dynamic());
            if (field.isPresent()) {
                if (!(cell.equals(nullKey) && (field.get().nullable() || field.get().defaultValue() != null))) {
                    row.set(column, value(field.get(), cell));
                }
            } else if (column.equals(FieldSchema.DYNAMIC_FIELD_NAME)) {
                JsonNode meta = parse(cell, column);
                if (!meta.isObject()) {
                    throw fileFailed(name, "illegal value for dynamic field, not a JSON object (row " + rowsRead + ")");
                }
                meta.fields().forEachRemaining(e -> {
                    if (header.contains(e.getKey())) {
                        throw fileFailed(name, "duplicated key in dynamic field, key=" + e.getKey()
                                + " (row " + rowsRead + ")");
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
            throw fileFailed(name, "illegal value '" + cell + "' for " + field.dataType() + " field " + field.name()
                    + " (row " + rowsRead + ")");
        }
    }

    private JsonNode parse(String cell, String column) {
        try {
            return jsonText(cell);
        } catch (IOException e) {
            throw fileFailed(name, "the value of " + column + " is not JSON (row " + rowsRead + ")");
        }
    }

    @Override
    public void close() {
        closeAll(records, in);
    }
}
