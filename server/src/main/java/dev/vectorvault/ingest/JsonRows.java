package dev.vectorvault.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON import file read row by row, as Milvus's v2 JSON reader takes it: an array of row objects, or the older
 * layout {@code {"rows": [...]}} (key in any case). Only one batch of rows is held at a time, so a file far larger
 * than the heap streams through; a batch ends once it has consumed {@code batchBytes} of the file.
 */
public final class JsonRows implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonParser parser;
    private final String file;
    private final boolean wrapped;
    private boolean finished;
    private long rowsRead;

    public JsonRows(InputStream in, String file) {
        this.file = file;
        try {
            this.parser = JSON.createParser(in);
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                wrapped = true;
                if (parser.nextToken() != JsonToken.FIELD_NAME || !parser.getCurrentName().equalsIgnoreCase("rows")) {
                    throw failed("the root key should be 'rows'");
                }
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw failed("the rows list should begin with '['");
                }
            } else if (first == JsonToken.START_ARRAY) {
                wrapped = false;
            } else {
                throw failed("the content should start with '[' or '{'");
            }
        } catch (IOException e) {
            throw failed(reason(e));
        }
    }

    /** The next rows, at most about {@code batchBytes} of the file's text; empty once the file is done. */
    public List<JsonNode> next(long batchBytes) {
        List<JsonNode> rows = new ArrayList<>();
        if (finished) {
            return rows;
        }
        try {
            long start = parser.getCurrentLocation().getByteOffset();
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    finish();
                    return rows;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw failed("row " + (rowsRead + 1) + " is not a JSON object");
                }
                rows.add(parser.readValueAsTree());
                rowsRead++;
                if (parser.getCurrentLocation().getByteOffset() - start >= batchBytes) {
                    return rows;
                }
            }
        } catch (IOException e) {
            throw failed("failed to parse row " + (rowsRead + 1) + ": " + reason(e));
        }
    }

    /** Rows read so far, for error messages that name the row (1-based). */
    public long rowsRead() {
        return rowsRead;
    }

    private void finish() throws IOException {
        finished = true;
        if (wrapped && parser.nextToken() != JsonToken.END_OBJECT) {
            throw failed("only the 'rows' key is expected in the root object");
        }
        if (parser.nextToken() != null) {
            throw failed("unexpected content after the rows");
        }
    }

    private MilvusException failed(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "invalid JSON import file " + file + ": " + why);
    }

    private static String reason(IOException e) {
        return e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // the stream is owned and closed by the caller as well
        }
    }
}
