package dev.vectorvault.index;

import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * What the quantized IVF kinds (IVF_SQ8, IVF_PQ) share: IVF_FLAT's lists ({@link IvfLists}) with each list's rows
 * kept contiguous in list order, and codes in place of the float vectors, which a search never reads. A subclass owns
 * its codes, how a probed list's rows are scored, and the rest of its file body.
 */
abstract class CodedIvfIndex implements VectorIndex {
    /** The column's view, or only its {@linkplain VectorColumn#shape shape} once the vectors are stored. */
    protected volatile VectorColumn.View vectors;
    protected final MetricType metric;
    protected final IvfLists lists;
    /** List {@code c} is rows {@code [listStart[c], listStart[c + 1])} of the codes and of {@link #ordinalAt}. */
    protected final int[] listStart;
    protected final int[] ordinalAt;

    CodedIvfIndex(VectorColumn.View vectors, MetricType metric, IvfLists lists) {
        this.vectors = vectors;
        this.metric = metric;
        this.lists = lists;
        this.listStart = new int[lists.count() + 1];
        for (int c = 0; c < lists.count(); c++) {
            listStart[c + 1] = listStart[c] + lists.ordinals()[c].length;
        }
        this.ordinalAt = lists.order(vectors.size);
    }

    @Override
    public final List<SearchHit> search(float[] query, int k, SearchParams params, OrdinalFilter filter) {
        return search(query, k, ((IvfFlatKind.Search) params).nprobe(), filter);
    }

    /**
     * The {@code k} best matches by code distance among the accepted ordinals of the {@code nprobe} lists whose
     * centroids rank best for the query.
     *
     * @return at most {@code k} hits, best first (ties by smaller ordinal)
     */
    abstract List<SearchHit> search(float[] query, int k, int nprobe, OrdinalFilter filter);

    @Override
    public final int size() {
        return vectors.size;
    }

    @Override
    public final boolean readsOnlyCodes() {
        return true;
    }

    /** Searches read only the codes: the full-precision vectors are not needed here at all. */
    @Override
    public final void readExactVectorsFrom(VectorColumn stored) {
        vectors = stored.shape();
    }

    @Override
    public final MetricType metric() {
        return metric;
    }

    final int listCount() {
        return lists.count();
    }

    /** Centroids, list bounds and the row-to-ordinal array: the subclass adds its codes. */
    final long listMemoryBytes() {
        return 4L * lists.centroids().length + 4L * listStart.length + 4L * ordinalAt.length;
    }

    /**
     * The start of every quantized IVF body: metric, dim, size, vector fingerprint (read back by
     * {@link VectorFingerprint#checkHeader}), nlist, seed.
     */
    final void writeHeader(DataOutput out, IvfParams params) throws IOException {
        out.writeUTF(metric.wireName());
        out.writeInt(vectors.dim);
        out.writeInt(vectors.size);
        out.writeLong(VectorFingerprint.of(vectors, metric));
        out.writeInt(params.nlist());
        out.writeLong(params.seed());
    }
}
