package dev.vectorvault.index;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.Map;

/**
 * Milvus's IVF_PQ ({@link IvfPqIndex}). Build parameters: IVF_FLAT's {@code nlist}; {@code m}, the number of
 * sub-quantizers, required as Milvus requires it ([1, 65536], and a divisor of the field's dimension); {@code nbits},
 * bits per code (Milvus's default 8 and range [1, 24]; this server builds [1, 8], one byte a code, and refuses 9 to
 * 24 rather than build something else). Search parameter: IVF_FLAT's {@code nprobe} (the same
 * {@link IvfFlatKind.Search}).
 */
final class IvfPqKind implements IndexKind {
    static final IvfPqKind INSTANCE = new IvfPqKind();

    private IvfPqKind() {}

    @Override
    public String name() {
        return "IVF_PQ";
    }

    @Override
    public boolean builds() {
        return true;
    }

    @Override
    public IndexParams parse(Map<String, String> params) {
        IvfParams lists = (IvfParams) IvfFlatKind.INSTANCE.parse(params);
        String m = params.get("m");
        if (m == null || m.isBlank()) {
            throw MilvusException.invalidParameter("parameter `m` not found");
        }
        int subQuantizers = ParamReader.intParam(params, "m", 0, 1, IvfPqParams.MAX_M);
        int nbits = ParamReader.intParam(params, "nbits", IvfPqParams.DEFAULT_NBITS, 1, IvfPqParams.MILVUS_MAX_NBITS);
        if (nbits > IvfPqParams.MAX_NBITS) {
            throw MilvusException.invalidParameter("nbits " + nbits + " is not supported by this server, supported:"
                    + " [1, " + IvfPqParams.MAX_NBITS + "]");
        }
        return new IvfPqParams(lists, subQuantizers, nbits);
    }

    @Override
    public void checkDimension(IndexParams params, int dim) {
        int m = ((IvfPqParams) params).m();
        if (dim % m != 0) {
            throw MilvusException.invalidParameter("dimension must be abled to be divided by `m`, dimension: " + dim
                    + ", m: " + m);
        }
    }

    @Override
    public SearchParams parseSearch(Map<String, String> params, int window) {
        return IvfFlatKind.INSTANCE.parseSearch(params, window);
    }

    @Override
    public VectorIndex build(FieldVectors vectors, MetricType metric, IndexParams params, int threads,
            BuildProgress progress) {
        return IvfPqIndex.build((VectorColumn) vectors, metric, (IvfPqParams) params, threads, progress);
    }

    @Override
    public VectorIndex read(ObjectStore store, String name, FieldVectors vectors, MetricType metric) {
        return IvfPqIndex.read(store, name, (VectorColumn) vectors, metric);
    }

    @Override
    public String fileKind() {
        return IvfPqIndex.FILE_KIND;
    }

    @Override
    public int fileVersion() {
        return IvfPqIndex.FILE_VERSION;
    }

    @Override
    public String toString() {
        return name();
    }
}
