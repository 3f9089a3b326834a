package dev.vectorvault.storage.data;

import dev.vectorvault.index.HnswIndex;
import dev.vectorvault.index.HnswParams;
import dev.vectorvault.index.IvfFlatIndex;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.MetricType;

/**
 * The approximate index a vector field asks for, as the data layer needs it: which kind, which metric, the build
 * parameters and the id of the index definition (a dropped and re-created index gets a new id, so its files differ).
 *
 * @param m              HNSW only
 * @param efConstruction HNSW only
 * @param nlist          IVF_FLAT only
 */
public record VectorIndexSpec(long indexId, Kind kind, MetricType metric, int m, int efConstruction, int nlist) {
    /** The approximate index kinds. */
    public enum Kind {
        HNSW(HnswIndex.FILE_KIND, HnswIndex.FILE_VERSION),
        IVF_FLAT(IvfFlatIndex.FILE_KIND, IvfFlatIndex.FILE_VERSION);

        private final String fileKind;
        private final int fileVersion;

        Kind(String fileKind, int fileVersion) {
            this.fileKind = fileKind;
            this.fileVersion = fileVersion;
        }
    }

    /** Seed of every build, so that a rebuild of the same segment gives the same index. */
    static final long SEED = 0x5eed_1dL;

    public static VectorIndexSpec hnsw(long indexId, MetricType metric, int m, int efConstruction) {
        return new VectorIndexSpec(indexId, Kind.HNSW, metric, m, efConstruction, 0);
    }

    public static VectorIndexSpec ivfFlat(long indexId, MetricType metric, int nlist) {
        return new VectorIndexSpec(indexId, Kind.IVF_FLAT, metric, 0, 0, nlist);
    }

    HnswParams hnswParams() {
        return new HnswParams(m, efConstruction, SEED);
    }

    IvfParams ivfParams() {
        return new IvfParams(nlist, SEED);
    }

    /**
     * The file of this index for one segment's field, next to the segment file. The name carries the index id and the
     * body format version, so an index of another definition or an older format is never mistaken for this one (the
     * old file is deleted at the next checkpoint, and the index rebuilt).
     */
    String fileName(long segmentId, int field) {
        return fileName(segmentId, field, kind.fileVersion);
    }

    /**
     * The name the previous format version gave this index's file: a file of that version is still loaded (its
     * reader is kept) and then rewritten in the current version, instead of rebuilding the index.
     */
    String previousVersionFileName(long segmentId, int field) {
        return fileName(segmentId, field, kind.fileVersion - 1);
    }

    private String fileName(long segmentId, int field, int version) {
        return segmentId + "." + field + "." + indexId + "." + kind.fileKind + "-v" + version + ".idx";
    }
}
