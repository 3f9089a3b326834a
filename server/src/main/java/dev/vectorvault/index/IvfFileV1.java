package dev.vectorvault.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Version 1 of the {@link IvfFlatIndex} file body, inside {@link IndexFile}'s framing: metric (wire name), dim, size,
 * vector fingerprint ({@link VectorFingerprint}), nlist, seed, list count, the centroids, then per list its length and
 * ordinals. Version 2 frames the same body in little-endian order ({@link IndexFile}); both are read here. Frozen: a reader for it stays as long as such files may exist (test resources hold some).
 */
final class IvfFileV1 {
    static final int VERSION = 1;

    private IvfFileV1() {}

    static void write(IvfFlatIndex index, DataOutput out) throws IOException {
        out.writeUTF(index.metric.wireName());
        out.writeInt(index.vectors.dim);
        out.writeInt(index.vectors.size);
        out.writeLong(VectorFingerprint.of(index.vectors, index.metric));
        out.writeInt(index.params.nlist());
        out.writeLong(index.params.seed());
        out.writeInt(index.listCount());
        IndexFile.writeFloats(out, index.centroids);
        for (int c = 0; c < index.listCount(); c++) {
            int[] ordinals = index.listOrdinals(c);
            out.writeInt(ordinals.length);
            IndexFile.writeInts(out, ordinals, 0, ordinals.length);
        }
    }

    static IvfFlatIndex read(String file, DataInput in, VectorColumn column, MetricType metric)
            throws IOException {
        VectorColumn.View vectors = column.view();
        VectorFingerprint.checkHeader(file, in, vectors, metric);
        int size = vectors.size;
        int dim = vectors.dim;
        IvfParams params;
        try {
            params = new IvfParams(in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        int lists = in.readInt();
        if (lists < 0 || lists > Math.min(params.nlist(), size)) {
            throw new CorruptIndexException(file, lists + " lists for nlist " + params.nlist() + " and " + size
                    + " vectors");
        }
        float[] centroids = new float[lists * dim];
        IndexFile.readFloats(in, centroids);
        int[][] ordinals = new int[lists][];
        boolean[] seen = new boolean[size];
        int total = 0;
        for (int c = 0; c < lists; c++) {
            int length = in.readInt();
            if (length < 0 || length > size - total) {
                throw new CorruptIndexException(file, "list " + c + " of " + length + " entries overflows " + size);
            }
            ordinals[c] = new int[length];
            IndexFile.readInts(in, ordinals[c], 0, length);
            for (int ordinal : ordinals[c]) {
                if (ordinal < 0 || ordinal >= size || seen[ordinal]) {
                    throw new CorruptIndexException(file, "list " + c + " holds ordinal " + ordinal + " badly");
                }
                seen[ordinal] = true;
            }
            total += length;
        }
        if (total != size) {
            throw new CorruptIndexException(file, "lists hold " + total + " of " + size + " vectors");
        }
        return new IvfFlatIndex(column, metric, params, centroids, ordinals);
    }
}
