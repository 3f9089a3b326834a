package dev.vectorvault.index;

import java.util.ArrayList;
import java.util.List;

/**
 * Stored vectors served from a resident column in windows of a fixed number of rows, each a fresh column as the
 * segment file's are: the stored column of a quantized index's segment, without a file. Records the windows' sizes;
 * a whole-column load fails the test, since searches must scan in windows.
 */
final class WindowedVectors implements StoredVectors {
    private final VectorColumn source;
    private final int windowRows;
    private final List<Integer> windows = new ArrayList<>();

    WindowedVectors(VectorColumn source, int windowRows) {
        this.source = source;
        this.windowRows = windowRows;
    }

    /** The row counts of the windows handed out so far, in order. */
    synchronized List<Integer> windowRows() {
        return List.copyOf(windows);
    }

    @Override
    public void read(int ordinal, float[] out) {
        source.copyTo(ordinal, out);
    }

    @Override
    public VectorColumn loadAll() {
        throw new AssertionError("a search loaded the whole stored column");
    }

    @Override
    public synchronized void scan(int from, int to, Window window) {
        float[] vector = new float[source.dim()];
        for (int first = from; first < to; first += windowRows) {
            VectorColumn rows = new VectorColumn(source.dim(), source.encoding());
            for (int ordinal = first; ordinal < Math.min(to, first + windowRows); ordinal++) {
                source.copyTo(ordinal, vector);
                rows.append(vector);
            }
            windows.add(rows.size());
            window.accept(first, rows);
        }
    }

    @Override
    public long memoryBytes() {
        return 0;
    }

    @Override
    public void close() {}
}
