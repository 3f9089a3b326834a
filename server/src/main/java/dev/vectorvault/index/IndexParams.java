package dev.vectorvault.index;

/**
 * The validated build parameters of one {@link IndexKind}, produced by its {@link IndexKind#parse} and understood
 * only by that kind. Implementations are records, so two specs with equal parameters are equal.
 */
public interface IndexParams {
    /** Seed of every build from a stored definition, so a rebuild of the same segment gives the same index. */
    long DEFAULT_SEED = 0x5eed_1dL;

    /** Parameters of a kind that has none (FLAT). */
    IndexParams NONE = new IndexParams() {
        @Override
        public String toString() {
            return "{}";
        }
    };
}
