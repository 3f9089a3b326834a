package dev.vectorvault.index;

/**
 * The validated per-request search parameters of one {@link IndexKind} (HNSW's {@code ef}, IVF's {@code nprobe}),
 * produced by its {@link IndexKind#parseSearch} and understood only by that kind's {@link VectorIndex}.
 */
public interface SearchParams {
    /** For kinds that take none (FLAT). */
    SearchParams NONE = new SearchParams() {
        @Override
        public String toString() {
            return "{}";
        }
    };
}
