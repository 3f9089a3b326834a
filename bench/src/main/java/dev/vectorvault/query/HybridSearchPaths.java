package dev.vectorvault.query;

/**
 * The benchmark's way to a hybrid search with its sub-requests one after the other, beside the server's choice: in
 * this package because {@link EntityReader}'s choice of path is package-private (the server has no switch for it), so
 * both paths can alternate search by search in one JVM on one data set.
 */
public final class HybridSearchPaths {
    private HybridSearchPaths() {}

    /** {@code request}'s answer, its sub-requests one after the other ({@code atOnce} false) or as the server runs them. */
    public static ResultRows hybridSearch(EntityReader reader, HybridSearchRequest request, boolean atOnce) {
        return reader.hybridSearch(request, atOnce ? 0 : 1);
    }
}
