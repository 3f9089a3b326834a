package dev.vectorvault.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.ImportSettings;
import dev.vectorvault.ingest.JsonRows;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.CollectionSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One import file group read as insert batches. Rows become the wire columns an Insert would carry (a JSON row as a
 * REST insert row, a NumPy column as the field's {@code FieldData}) and then the very {@link ColumnBatch} an Insert
 * decodes, so an imported row is checked and stored exactly as the same row inserted.
 */
abstract class ImportBatches implements AutoCloseable {
    /** Parses the JSON texts of row files (see {@link #jsonText}). */
    private static final ObjectReader WHOLE_VALUE = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The next batch, or null once the group is read. */
    abstract ColumnBatch next();

    @Override
    public abstract void close();

    /**
     * The reader for a group of files of one type: one {@code .json}, one {@code .csv}, one {@code .parquet}, or
     * {@code .npy} files.
     */
    static ImportBatches open(Collection collection, List<Path> files, List<String> names, ImportSettings settings,
                              ImportOptions.Csv csv) {
        long batchBytes = settings.batchBytes();
        return switch (ImportOptions.extension(names.get(0))) {
            case ".json" -> new Json(collection, files.get(0), names.get(0), batchBytes);
            case ".csv" -> new CsvBatches(collection, files.get(0), names.get(0), batchBytes, csv);
            case ".parquet" -> new ParquetBatches(collection, files.get(0), names.get(0), batchBytes,
                    settings.maxRowGroupBytes());
            default -> new NumpyBatches(collection, files, names, batchBytes);
        };
    }

    /** Rows as REST insert rows, to the columns an Insert carries, to the batch an Insert decodes. */
    static ColumnBatch rowBatch(Collection collection, CollectionSchema schema, ArrayNode rows,
                                        String where) {
        try {
            return DataRpc.batch(collection, RestData.columns(schema, rows, false), rows.size());
        } catch (RuntimeException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, where + " (row numbers within the batch count from 0): "
                    + e.getMessage());
        }
    }

    /**
     * The one JSON value a text of a file holds (a JSON field's value, {@code $meta}, a CSV cell): text that is empty
     * or goes on after the value is not JSON, as Milvus's importers find too.
     */
    static JsonNode jsonText(String text) throws IOException {
        JsonNode value = WHOLE_VALUE.readTree(text);
        if (value == null || value.isMissingNode()) {
            throw new IOException("no JSON value");
        }
        return value;
    }

    /** A refusal of one file's content: the job fails with the file named first. */
    static MilvusException fileFailed(String file, String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "file " + file + ": " + why);
    }

    /** Closes readers of a file only read from: a failure to close loses nothing. */
    static void closeAll(AutoCloseable... readers) {
        for (AutoCloseable reader : readers) {
            try {
                reader.close();
            } catch (Exception ignored) {
                // read only
            }
        }
    }

    static InputStream input(Path file, String name) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.IMPORT_FAILED, "cannot read import file " + name + ": "
                    + e.getMessage());
        }
    }

    private static final class Json extends ImportBatches {
        private final Collection collection;
        private final CollectionSchema schema;
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
            long row = first;
            for (JsonNode node : batch) {
                ObjectNode values = (ObjectNode) node;
                withJsonTextParsed(values, row);
                if (collection.schema().enableDynamicField()) {
                    withDynamicKeys(values, row);
                }
                array.add(values);
                row++;
            }
            return rowBatch(collection, schema, array, "file " + name + ", rows " + first + "-" + rows.rowsRead());
        }

        /**
         * Milvus's {@code $meta} key holds a row's dynamic fields: an object, or the JSON text of one (text
         * {@code null} holds none); merged as keys, none of which the row may carry too. Anything else fails the job,
         * as it fails Milvus's.
         */
        private void withDynamicKeys(ObjectNode row, long rowNumber) {
            JsonNode meta = row.remove(FieldSchema.DYNAMIC_FIELD_NAME);
            if (meta == null) {
                return;
            }
            String field = "dynamic field " + FieldSchema.DYNAMIC_FIELD_NAME;
            if (meta.isTextual()) {
                meta = parsedText(meta, field, rowNumber);
                if (meta.isNull()) {
                    return;
                }
                if (!meta.isObject()) {
                    throw rowFailed(rowNumber, "the value of " + field + " is the JSON text of " + kind(meta)
                            + ", not of an object");
                }
            } else if (!meta.isObject()) {
                throw rowFailed(rowNumber, "the value of " + field + " must be a JSON object or its JSON text, not "
                        + kind(meta));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (row.has(entry.getKey())) {
                    throw rowFailed(rowNumber, "key " + entry.getKey() + " is both in the row and in " + field);
                }
                row.set(entry.getKey(), entry.getValue());
            }
        }

        /**
         * A JSON field's value is an object or the JSON text of any value, as Milvus's importer takes it (Milvus's
         * Java BulkWriter writes JSON fields as text); null where the field is nullable or has a default. Milvus
         * refuses a number, array or boolean there, which an insert row would take, and so does this.
         */
        private void withJsonTextParsed(ObjectNode row, long rowNumber) {
            for (FieldSchema field : collection.schema().fields()) {
                JsonNode value = field.dataType() == DataType.JSON && !field.dynamic() ? row.get(field.name()) : null;
                if (value == null || value.isObject()) {
                    continue;
                }
                String named = "JSON field " + field.name();
                if (value.isTextual()) {
                    value = parsedText(value, named, rowNumber);
                    row.set(field.name(), value);
                } else if (!value.isNull()) {
                    throw rowFailed(rowNumber, "the value of " + named + " must be a JSON object or its JSON text, not "
                            + kind(value));
                }
                // Stored values know no JSON null apart from a missing value, so text "null" counts as null too.
                if (value.isNull() && !field.nullable() && field.defaultValue() == null) {
                    throw rowFailed(rowNumber, "the value of " + named + " is null, and the field is not nullable");
                }
            }
        }

        /** The JSON value a text holds, all of it: text going on after the value is not JSON either. */
        private JsonNode parsedText(JsonNode text, String field, long rowNumber) {
            try {
                return jsonText(text.textValue());
            } catch (IOException e) {
                throw rowFailed(rowNumber, "the value of " + field + " is text that is not JSON");
            }
        }

        private MilvusException rowFailed(long rowNumber, String why) {
            return fileFailed(name, "row " + rowNumber + ": " + why);
        }

        private static String kind(JsonNode value) {
            return switch (value.getNodeType()) {
                case ARRAY -> "an array";
                case BOOLEAN -> "a boolean";
                case NUMBER -> "a number";
                case STRING -> "a string";
                case NULL -> "null";
                default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
            };
        }

        @Override
        public void close() {
            closeAll(rows, in);
        }
    }
}
