package dev.vectorvault.text;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The term index of one text field over one immutable run of rows (a sealed segment): for each token the field's
 * analyzer produces, the rows holding it and its positions there, as {@code text_match} and {@code phrase_match}
 * read them instead of analysing every row per query. Immutable and thread-safe once built. Held in memory only
 * and rebuilt from the rows when needed, so it has no file format.
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

    /** How many rows the index covers. */
    public int rows() {
        return rows;
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
