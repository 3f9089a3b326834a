package dev.vectorvault.storage.data;

import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.IndexKind;
import dev.vectorvault.index.IndexKinds;
import dev.vectorvault.index.IndexParams;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.MetricType;

/**
 * The vector index a field asks for, as the data layer needs it: which kind (one that {@linkplain IndexKind#builds()
 * builds}), which metric, the kind's validated build parameters and the id of the index definition (a dropped and
 * re-created index gets a new id, so its files differ).
 */
public record VectorIndexSpec(long indexId, IndexKind kind, MetricType metric, IndexParams params) {
    public VectorIndexSpec {
        if (kind == null || metric == null || params == null) {
            throw new IllegalArgumentException("kind, metric and params are required");
        }
    }

    /** Shorthand for tests and tools: HNSW with the given parameters and the default seed. */
    public static VectorIndexSpec hnsw(long indexId, MetricType metric, int m, int efConstruction) {
        return new VectorIndexSpec(indexId, IndexKinds.of("HNSW").orElseThrow(), metric,
                new HnswParams(m, efConstruction, IndexParams.DEFAULT_SEED));
    }

    /** Shorthand for tests and tools: IVF_FLAT with the given {@code nlist} and the default seed. */
    public static VectorIndexSpec ivfFlat(long indexId, MetricType metric, int nlist) {
        return new VectorIndexSpec(indexId, IndexKinds.of("IVF_FLAT").orElseThrow(), metric,
                new IvfParams(nlist, IndexParams.DEFAULT_SEED));
    }

    /**
     * The file of this index for one segment's field, next to the segment file. The name carries the index id and the
     * body format version, so an index of another definition or an older format is never mistaken for this one (the
     * old file is deleted at the next checkpoint, and the index rebuilt).
     */
    String fileName(long segmentId, int field) {
        return fileName(segmentId, field, kind.fileVersion());
    }

    /**
     * The name the previous format version gave this index's file: a file of that version is still loaded (its
     * reader is kept) and then rewritten in the current version, instead of rebuilding the index.
     */
    String previousVersionFileName(long segmentId, int field) {
        return fileName(segmentId, field, kind.fileVersion() - 1);
    }

    private String fileName(long segmentId, int field, int version) {
        return segmentId + "." + field + "." + indexId + "." + kind.fileKind() + "-v" + version + ".idx";
    }
}
