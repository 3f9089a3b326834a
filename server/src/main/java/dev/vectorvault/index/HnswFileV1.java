package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Version 1 of the {@link HnswIndex} file body, inside {@link IndexFile}'s framing: metric (wire name), dim, size,
 * vector fingerprint ({@link VectorFingerprint}), M, efConstruction, seed, entry point, top layer, every node's layer
 * (one byte each), layer 0's link array, then the upper-layer arrays of the nodes above layer 0 in ordinal order.
 * Version 2 frames the same body in little-endian order ({@link IndexFile}); both are read here.
 * Frozen: a reader for it stays as long as such files may exist (test resources hold one).
 */
final class HnswFileV1 {
    static final int VERSION = 1;

    private HnswFileV1() {}

    static void write(HnswIndex index, DataOutput out) throws IOException {
        VectorColumn.View vectors = index.vectors;
        HnswParams params = index.params;
        out.writeUTF(index.metric.wireName());
        out.writeInt(vectors.dim);
        out.writeInt(vectors.size);
        out.writeLong(VectorFingerprint.of(vectors, index.metric));
        out.writeInt(params.m());
        out.writeInt(params.efConstruction());
        out.writeLong(params.seed());
        out.writeInt(index.entryPoint);
        out.writeInt(index.maxLevel);
        byte[] levels = new byte[vectors.size];
        for (int node = 0; node < levels.length; node++) {
            int[] up = index.linksUp[node];
            levels[node] = (byte) (up == null ? 0 : up.length / (params.m() + 1));
        }
        out.write(levels);
        IndexFile.writeInts(out, index.links0, 0, index.links0.length);
        for (int[] links : index.linksUp) {
            if (links != null) {
                IndexFile.writeInts(out, links, 0, links.length);
            }
        }
    }

    static HnswIndex read(String file, DataInput in, VectorColumn.View vectors, MetricType metric)
            throws IOException {
        VectorFingerprint.checkHeader(file, in, vectors, metric);
        int size = vectors.size;
        HnswParams params;
        try {
            params = new HnswParams(in.readInt(), in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        int entryPoint = in.readInt();
        int maxLevel = in.readInt();
        int m = params.m();
        byte[] levels = new byte[size];
        in.readFully(levels);
        int[] links0 = new int[Math.multiplyExact(size, 1 + 2 * m)];
        IndexFile.readInts(in, links0, 0, links0.length);
        checkLinks(file, links0, 0, links0.length, 1 + 2 * m, 2 * m, size);
        int[][] linksUp = new int[size][];
        int top = 0;
        for (int node = 0; node < size; node++) {
            int level = levels[node];
            if (level < 0 || level > HnswBuilder.MAX_LEVEL) {
                throw new CorruptIndexException(file, "node " + node + " on layer " + level);
            }
            if (level > 0) {
                linksUp[node] = new int[level * (m + 1)];
                IndexFile.readInts(in, linksUp[node], 0, linksUp[node].length);
                checkLinks(file, linksUp[node], 0, linksUp[node].length, m + 1, m, size);
                checkUpperLayers(file, linksUp[node], m, levels);
            }
            top = Math.max(top, level);
        }
        if (size > 0 && (entryPoint < 0 || entryPoint >= size || levels[entryPoint] != maxLevel || top != maxLevel)) {
            throw new CorruptIndexException(file, "entry point " + entryPoint + " on layer " + maxLevel
                    + " is not the top of the graph");
        }
        return new HnswIndex(vectors, metric, params, links0, linksUp, entryPoint, maxLevel);
    }

    /**
     * A link on layer L must lead to a node that is on layer L too: the search follows it on that layer and would
     * find no links there (a checksum-valid file can still hold such a graph if its writer was wrong).
     */
    private static void checkUpperLayers(String file, int[] links, int m, byte[] levels) {
        for (int layer = 1, base = 0; base < links.length; layer++, base += m + 1) {
            for (int j = 1; j <= links[base]; j++) {
                int target = links[base + j];
                if (levels[target] < layer) {
                    throw new CorruptIndexException(file, "link on layer " + layer + " to node " + target
                            + ", which is only on layer " + levels[target]);
                }
            }
        }
    }

    private static void checkLinks(String file, int[] links, int from, int to, int stride, int capacity, int size) {
        for (int base = from; base < to; base += stride) {
            int count = links[base];
            if (count < 0 || count > capacity) {
                throw new CorruptIndexException(file, "a node lists " + count + " links, at most " + capacity);
            }
            for (int j = 1; j <= count; j++) {
                if (links[base + j] < 0 || links[base + j] >= size) {
                    throw new CorruptIndexException(file, "link to node " + links[base + j] + " of " + size);
                }
            }
        }
    }
}
