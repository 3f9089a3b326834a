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
        int[][] ordinals = new int[index.listCount()][];
        for (int c = 0; c < ordinals.length; c++) {
            ordinals[c] = index.listOrdinals(c);
        }
        new IvfLists(index.centroids, ordinals).write(out);
    }

    static IvfFlatIndex read(String file, DataInput in, VectorColumn column, MetricType metric)
            throws IOException {
        VectorColumn.View vectors = column.view();
        VectorFingerprint.checkHeader(file, in, vectors, metric);
        IvfParams params;
        try {
            params = new IvfParams(in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, e.getMessage());
        }
        IvfLists lists = IvfLists.read(file, in, params.nlist(), vectors.size, vectors.dim);
        return new IvfFlatIndex(column, metric, params, lists.centroids(), lists.ordinals());
    }
}
