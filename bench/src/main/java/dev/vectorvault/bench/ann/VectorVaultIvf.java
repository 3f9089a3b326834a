package dev.vectorvault.bench.ann;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.IvfFlatIndex;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.VectorColumn;

/** Our {@link IvfFlatIndex}; the build includes its k-means training, as FAISS's does. */
final class VectorVaultIvf implements AnnEngine {
    private IvfFlatIndex index;
    private long columnBytes;

    @Override
    public String name() {
        return "VectorVault IVF_FLAT";
    }

    @Override
    public Kind kind() {
        return Kind.IVF;
    }

    @Override
    public void build(Dataset data, BuildSettings settings) {
        VectorColumn column = Columns.of(data.base());
        columnBytes = Columns.bytes(column);
        index = IvfFlatIndex.build(column, data.metric(),
                new IvfParams(settings.nlist(), settings.seed()), settings.threads(), BuildProgress.NONE);
    }

    @Override
    public int[] search(float[] query, int k, int nprobe) {
        return Columns.ordinals(index.search(query, k, nprobe, OrdinalFilter.ACCEPT_ALL));
    }

    @Override
    public long memoryBytes() {
        // The index searches the column's own vectors; count them once, as the peers count theirs.
        return index.memoryBytes() + columnBytes;
    }

    @Override
    public String memoryNote() {
        return "IvfFlatIndex.memoryBytes() (lists, centroids) + the column it scans (vectors + norms, held once)";
    }

    @Override
    public void close() {
        index = null;
    }
}
