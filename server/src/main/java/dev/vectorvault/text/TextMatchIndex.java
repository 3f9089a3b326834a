package dev.vectorvault.text;

import dev.vectorvault.index.CorruptIndexException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The term index of one text field over one immutable run of rows (a sealed segment): for each token the field's
 * analyzer produces, the rows holding it and its positions there, as {@code text_match} and {@code phrase_match}
 * read them instead of analysing every row per query. Immutable and thread-safe once built.
 *
 * <h2>Body, version {@value #BODY_VERSION}</h2>
 * The data layer keeps it in a file of its own next to the segment, in its checksummed frame; this class writes and
 * reads the body (big-endian, as {@link DataOutput} writes it):
 * <pre>
 *   i32  byte length, then the UTF-8 of the analyzer key (the field's analyzer_params as the schema holds them, "" for
 *        the default analyzer): a file built with another analyzer is not used
 *   i32  rows of the segment
 *   i32  null count n, then n ordinals ascending
 *   i32  term count t, then per term in ascending {@link String} order:
 *          i32 byte length + UTF-8 of the term, i32 row count r (at least 1), r ordinals ascending,
 *          r position counts (each at least 1), then every position of the first row, of the second, ...
 * </pre>
 */
public final class TextMatchIndex {
    private static final int[] NONE = new int[0];

    private final int rows;
    private final BitSet nulls;
    private final Map<String, Postings> postings;

    private TextMatchIndex(int rows, BitSet nulls, Map<String, Postings> postings) {
        this.rows = rows;
        this.nulls = nulls;
        this.postings = postings;
    }

    /**
     * Analyses rows {@code [0, rows)} ({@code value} gives a row's String, or null) with {@code analyzer}.
     */
    public static TextMatchIndex build(TextAnalyzer analyzer, int rows, IntFunction<Object> value) {
        BitSet nulls = new BitSet(rows);
        Map<String, Builder> builders = new HashMap<>();
        for (int row = 0; row < rows; row++) {
            if (!(value.apply(row) instanceof String text)) {
                nulls.set(row);
                continue;
            }
            for (AnalyzerToken token : analyzer.analyze(text)) {
                builders.computeIfAbsent(token.token(), t -> new Builder()).add(row, token.position());
            }
        }
        Map<String, Postings> postings = new HashMap<>(builders.size() * 2);
        builders.forEach((term, builder) -> postings.put(term, builder.build()));
        return new TextMatchIndex(rows, nulls, postings);
    }

    /** The version of the body {@link #writeTo} writes and {@link #readFrom} reads. */
    public static final int BODY_VERSION = 1;

    /** How many rows the index covers. */
    public int rows() {
        return rows;
    }

    /** How many distinct terms the rows hold. */
    public int termCount() {
        return postings.size();
    }

    /** The rows whose value is null; a copy. */
    public BitSet nulls() {
        return (BitSet) nulls.clone();
    }

    /** The rows holding {@code term}; a new set. */
    public BitSet rowsWith(String term) {
        BitSet out = new BitSet(rows);
        Postings p = postings.get(term);
        if (p != null) {
            for (int row : p.rows) {
                out.set(row);
            }
        }
        return out;
    }

    /** The positions of {@code term} in {@code row}, ascending (empty when the row lacks it). */
    public int[] positions(String term, int row) {
        Postings p = postings.get(term);
        if (p == null) {
            return NONE;
        }
        int i = Arrays.binarySearch(p.rows, row);
        return i < 0 ? NONE : Arrays.copyOfRange(p.positions, p.starts[i], p.starts[i + 1]);
    }

    /** Writes the body described above; {@code analyzerKey} is what {@link #readFrom} will expect. */
    public void writeTo(DataOutput out, String analyzerKey) throws IOException {
        writeUtf8(out, analyzerKey);
        out.writeInt(rows);
        out.writeInt(nulls.cardinality());
        for (int row = nulls.nextSetBit(0); row >= 0; row = nulls.nextSetBit(row + 1)) {
            out.writeInt(row);
        }
        // Sorted, so that the same rows always give the same bytes.
        Map<String, Postings> sorted = new TreeMap<>(postings);
        out.writeInt(sorted.size());
        for (Map.Entry<String, Postings> term : sorted.entrySet()) {
            writeUtf8(out, term.getKey());
            Postings p = term.getValue();
            out.writeInt(p.rows.length);
            for (int row : p.rows) {
                out.writeInt(row);
            }
            for (int i = 0; i < p.rows.length; i++) {
                out.writeInt(p.starts[i + 1] - p.starts[i]);
            }
            for (int position : p.positions) {
                out.writeInt(position);
            }
        }
    }

    /**
     * Reads a body written by {@link #writeTo} for a segment of {@code rows} rows analysed with {@code analyzerKey}.
     * An end of input inside the body surfaces as the {@link java.io.EOFException} it is.
     *
     * @throws CorruptIndexException when the body is inconsistent, or built over other rows or another analyzer
     */
    public static TextMatchIndex readFrom(DataInput in, String file, int rows, String analyzerKey)
            throws IOException {
        String builtWith = readUtf8(in, file);
        int builtRows = in.readInt();
        if (!builtWith.equals(analyzerKey) || builtRows != rows) {
            // The keys are schema text, not row values, so they may be logged.
            throw new CorruptIndexException(file, "built over " + builtRows + " rows with analyzer '" + builtWith
                    + "', expected " + rows + " rows with '" + analyzerKey + "'");
        }
        BitSet nulls = new BitSet(rows);
        int[] nullRows = ascendingRows(in, file, count(in, file, rows, "null rows"), rows);
        for (int row : nullRows) {
            nulls.set(row);
        }
        int terms = count(in, file, Integer.MAX_VALUE, "terms");
        Map<String, Postings> postings = new HashMap<>(Math.min(terms, 1 << 20) * 2);
        String previous = null;
        for (int t = 0; t < terms; t++) {
            String term = readUtf8(in, file);
            if (previous != null && previous.compareTo(term) >= 0) {
                throw new CorruptIndexException(file, "terms out of order at term " + t);
            }
            previous = term;
            int[] termRows = ascendingRows(in, file, count(in, file, rows, "rows of a term"), rows);
            if (termRows.length == 0) {
                throw new CorruptIndexException(file, "a term without rows at term " + t);
            }
            int[] starts = new int[termRows.length + 1];
            for (int i = 0; i < termRows.length; i++) {
                int n = in.readInt();
                if (n < 1 || (long) starts[i] + n > Integer.MAX_VALUE - 8) {
                    throw new CorruptIndexException(file, "bad position count " + n + " at term " + t);
                }
                starts[i + 1] = starts[i] + n;
            }
            int[] positions = new int[starts[termRows.length]];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = in.readInt();
            }
            postings.put(term, new Postings(termRows, starts, positions));
        }
        return new TextMatchIndex(rows, nulls, postings);
    }

    private static void writeUtf8(DataOutput out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readUtf8(DataInput in, String file) throws IOException {
        byte[] utf8 = new byte[count(in, file, 1 << 24, "string bytes")];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int count(DataInput in, String file, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new CorruptIndexException(file, "bad count of " + what + ": " + n);
        }
        return n;
    }

    private static int[] ascendingRows(DataInput in, String file, int count, int rows) throws IOException {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = in.readInt();
            if (out[i] < 0 || out[i] >= rows || (i > 0 && out[i] <= out[i - 1])) {
                throw new CorruptIndexException(file, "row " + out[i] + " out of order or range");
            }
        }
        return out;
    }

    /** One term's rows (ascending, distinct) and, for row {@code rows[i]}, positions {@code [starts[i], starts[i+1])}. */
    private record Postings(int[] rows, int[] starts, int[] positions) {}

    private static final class Builder {
        private int[] rows = new int[4];
        private int[] starts = new int[5];
        private int[] positions = new int[4];
        private int rowCount;
        private int positionCount;

        void add(int row, int position) {
            if (rowCount == 0 || rows[rowCount - 1] != row) {
                if (rowCount == rows.length) {
                    rows = Arrays.copyOf(rows, rowCount * 2);
                    starts = Arrays.copyOf(starts, rowCount * 2 + 1);
                }
                rows[rowCount] = row;
                starts[rowCount] = positionCount;
                rowCount++;
            }
            if (positionCount == positions.length) {
                positions = Arrays.copyOf(positions, positionCount * 2);
            }
            positions[positionCount++] = position;
        }

        Postings build() {
            int[] s = Arrays.copyOf(starts, rowCount + 1);
            s[rowCount] = positionCount;
            return new Postings(Arrays.copyOf(rows, rowCount), s, Arrays.copyOf(positions, positionCount));
        }
    }
}
