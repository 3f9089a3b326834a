package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV import file read record by record, with the rules of the reader Milvus uses (Go's encoding/csv): one
 * separator character, fields optionally in double quotes ({@code ""} for a quote inside, line breaks allowed
 * inside), CRLF or LF line ends, empty lines skipped, every record as long as the header. Only one record is held at
 * a time.
 */
public final class CsvRecords implements AutoCloseable {
    private final BufferedReader in;
    private final char separator;
    private final String file;
    private long line = 1;
    private long chars;
    private int width = -1;

    public CsvRecords(InputStream raw, char separator, String file) {
        this.in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16);
        this.separator = separator;
        this.file = file;
    }

    /** Characters read so far, to size batches by. */
    public long charsRead() {
        return chars;
    }

    /** The next record, or null at the end of the file. */
    public List<String> next() {
        try {
            int c = read();
            while (c == '\n' || c == '\r') {
                c = read();
            }
            if (c < 0) {
                return null;
            }
            long startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean fieldStart = true;
            while (true) {
                if (quoted) {
                    if (c < 0) {
                        throw failed("a quoted field opened on line " + startLine + " never closes");
                    }
                    if (c == '"') {
                        int after = read();
                        if (after == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            c = after;
                            continue;
                        }
                    } else {
                        field.append((char) c);
                    }
                } else if (c == '"' && fieldStart) {
                    quoted = true;
                    fieldStart = false;
                } else if (c == separator) {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldStart = true;
                } else if (c < 0 || c == '\n' || c == '\r') {
                    if (c == '\r') {
                        in.mark(1);
                        int n = in.read();
                        if (n == '\n') {
                            chars++;
                            line++;
                        } else if (n >= 0) {
                            in.reset();
                        }
                    }
                    fields.add(field.toString());
                    return checkedWidth(fields, startLine);
                } else if (c == '"') {
                    throw failed("a bare \" in an unquoted field on line " + line);
                } else {
                    field.append((char) c);
                    fieldStart = false;
                }
                c = read();
            }
        } catch (IOException e) {
            throw failed("read failed: " + e.getMessage());
        }
    }

    private List<String> checkedWidth(List<String> fields, long startLine) {
        if (width < 0) {
            width = fields.size();
        } else if (fields.size() != width) {
            throw failed("record on line " + startLine + " has " + fields.size() + " fields, the header has "
                    + width);
        }
        return fields;
    }

    private int read() throws IOException {
        int c = in.read();
        if (c >= 0) {
            chars++;
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }

    private MilvusException failed(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "invalid CSV import file " + file + ": " + why);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read only
        }
    }
}
