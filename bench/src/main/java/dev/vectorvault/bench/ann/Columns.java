package dev.vectorvault.bench.ann;

import dev.vectorvault.index.SearchHit;
import dev.vectorvault.index.VectorColumn;
import java.util.List;

/** Conversions between the benchmark's plain arrays and the server's index types. */
final class Columns {
    private Columns() {}

    static VectorColumn of(float[][] rows) {
        VectorColumn column = new VectorColumn(rows[0].length);
        for (float[] row : rows) {
            column.append(row);
        }
        return column;
    }

    /** Heap bytes of a column's vectors and the norm it keeps per vector (chunk slack not counted). */
    static long bytes(VectorColumn column) {
        return 4L * column.size() * column.dim() + 4L * column.size();
    }

    static int[] ordinals(List<SearchHit> hits) {
        int[] ids = new int[hits.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = hits.get(i).ordinal();
        }
        return ids;
    }
}
