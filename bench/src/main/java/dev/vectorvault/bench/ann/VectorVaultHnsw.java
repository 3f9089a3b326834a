package dev.vectorvault.bench.ann;

import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.VectorColumn;

/** Our {@link HnswIndex}, built from a {@link VectorColumn} as the server builds it from a sealed segment. */
final class VectorVaultHnsw implements AnnEngine {
    private HnswIndex index;
    private long columnBytes;

    @Override
    public String name() {
        return "VectorVault HNSW";
    }

    @Override
    public Kind kind() {
        return Kind.GRAPH;
    }

    @Override
    public void build(Dataset data, BuildSettings settings) {
        VectorColumn column = Columns.of(data.base());
        columnBytes = Columns.bytes(column);
        index = HnswIndex.build(column, data.metric(),
                new HnswParams(settings.m(), settings.efConstruction(), settings.seed()), settings.threads(),
                BuildProgress.NONE);
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        return Columns.ordinals(index.search(query, k, ef, OrdinalFilter.ACCEPT_ALL));
    }

    @Override
    public long memoryBytes() {
        // The index searches the column's own vectors; count them once, as the peers count theirs.
        return index.memoryBytes() + columnBytes;
    }

    @Override
    public String memoryNote() {
        return "HnswIndex.memoryBytes() (links) + the column it searches (vectors + norms, held once)";
    }

    @Override
    public void close() {
        index = null;
    }
}
