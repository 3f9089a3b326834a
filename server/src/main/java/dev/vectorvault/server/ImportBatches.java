package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.ImportSettings;
import dev.vectorvault.ingest.JsonRows;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.CollectionSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One import file group read as insert batches. Rows become the wire columns an Insert would carry (a JSON row as a
 * REST insert row, a NumPy column as the field's {@code FieldData}) and then the very {@link ColumnBatch} an Insert
 * decodes, so an imported row is checked and stored exactly as the same row inserted.
 */
abstract class ImportBatches implements AutoCloseable {
    /** Parses the JSON text cells and {@code $meta} values of row files. */
    static final ObjectMapper JSON = new ObjectMapper();

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

    /** Closes readers of a file only read from: a failure to close loses nothing. */
    /** A refusal of one file's content: the job fails with the file named first. */
    static MilvusException fileFailed(String file, String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "file " + file + ": " + why);
    }

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
                array.add(withJsonTextParsed(withDynamicKeys((ObjectNode) node), row++));
            }
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
                throw fileFailed(name, "the value of " + FieldSchema.DYNAMIC_FIELD_NAME + " must be a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!row.has(entry.getKey())) {
                    row.set(entry.getKey(), entry.getValue());
                }
            }
            return row;
        }

        /**
         * A JSON field's value may be its JSON text, as Milvus's importer takes it (Milvus's Java BulkWriter writes
         * JSON fields so); an insert row would keep such a string as a JSON string.
         */
        private ObjectNode withJsonTextParsed(ObjectNode row, long rowNumber) {
            for (FieldSchema field : collection.schema().fields()) {
                JsonNode value = field.dataType() == DataType.JSON && !field.dynamic() ? row.get(field.name()) : null;
                if (value != null && value.isTextual()) {
                    try {
                        row.set(field.name(), JSON.valueToTree(JsonValues.parse(
                                value.textValue().getBytes(StandardCharsets.UTF_8))));
                    } catch (MilvusException e) {
                        throw new MilvusException(ErrorCode.IMPORT_FAILED, "file " + name + ", row " + rowNumber
                                + ": the value of JSON field " + field.name() + " is text that is not JSON");
                    }
                }
            }
            return row;
        }

        @Override
        public void close() {
            closeAll(rows, in);
        }
    }
}
