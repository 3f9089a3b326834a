package dev.vectorvault.bench.ann;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.IvfFlatIndex;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.OrdinalFilter;

/** Our {@link IvfFlatIndex}; the build includes its k-means training, as FAISS's does. */
final class VectorVaultIvf implements AnnEngine {
    private IvfFlatIndex index;

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
        index = IvfFlatIndex.build(Columns.of(data.base()), data.metric(),
                new IvfParams(settings.nlist(), settings.seed()), settings.threads(), BuildProgress.NONE);
    }

    @Override
    public int[] search(float[] query, int k, int nprobe) {
        return Columns.ordinals(index.search(query, k, nprobe, OrdinalFilter.ACCEPT_ALL));
    }

    @Override
    public long memoryBytes() {
        return index.memoryBytes();
    }

    @Override
    public String memoryNote() {
        return "IvfFlatIndex.memoryBytes()";
    }

    @Override
    public void close() {
        index = null;
    }
}
