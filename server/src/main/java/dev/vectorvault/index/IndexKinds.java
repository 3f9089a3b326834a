package dev.vectorvault.index;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of vector index kinds, by Milvus's {@code index_type}. {@code AUTOINDEX} is Milvus's "let the server
 * choose" and means HNSW with its defaults here (on binary fields BIN_IVF_FLAT, on sparse ones SPARSE_INVERTED_INDEX).
 */
public final class IndexKinds {
    /** Every kind, in the order error messages list them; a new kind is added here and nowhere else. */
    private static final List<IndexKind> KINDS = List.of(ExactKind.FLAT, HnswKind.INSTANCE, IvfFlatKind.INSTANCE,
            IvfSq8Kind.INSTANCE, IvfPqKind.INSTANCE, HnswSqKind.INSTANCE, SparseIndexKind.INVERTED, SparseIndexKind.WAND,
            ExactKind.BIN_FLAT, BinIvfFlatKind.INSTANCE);
    public static final String AUTOINDEX = "AUTOINDEX";

    private static final Map<String, IndexKind> BY_NAME = byName();

    private IndexKinds() {}

    private static Map<String, IndexKind> byName() {
        Map<String, IndexKind> names = new LinkedHashMap<>();
        for (IndexKind kind : KINDS) {
            names.put(kind.name(), kind);
        }
        names.put(AUTOINDEX, HnswKind.INSTANCE);
        return Map.copyOf(names);
    }

    /** The kind an {@code index_type} names, ignoring case; empty for one no vector index has. */
    public static Optional<IndexKind> of(String indexType) {
        return indexType == null ? Optional.empty()
                : Optional.ofNullable(BY_NAME.get(indexType.trim().toUpperCase(Locale.ROOT)));
    }

    /**
     * The kind an {@code index_type} names for a field: {@code AUTOINDEX} means HNSW on a dense field and
     * SPARSE_INVERTED_INDEX on a sparse one, as Milvus chooses.
     */
    public static Optional<IndexKind> forField(String indexType, boolean sparseField) {
        if (sparseField && indexType != null && indexType.trim().equalsIgnoreCase(AUTOINDEX)) {
            return Optional.of(SparseIndexKind.INVERTED);
        }
        return of(indexType);
    }

    /** Milvus's AUTOINDEX build parameters on a binary field ({@code autoIndex.params.binary.build}). */
    public static final java.util.Map<String, String> BINARY_AUTOINDEX_PARAMS = java.util.Map.of("nlist", "1024");

    /**
     * As {@link #forField(String, boolean)}, for a binary field too: {@code AUTOINDEX} on a BinaryVector field is
     * BIN_IVF_FLAT (HAMMING, nlist 1024), as Milvus's {@code autoIndex.params.binary.build} says.
     */
    public static Optional<IndexKind> forField(String indexType, boolean sparseField, boolean binaryField) {
        if (binaryField && indexType != null && indexType.trim().equalsIgnoreCase(AUTOINDEX)) {
            return Optional.of(BinIvfFlatKind.INSTANCE);
        }
        return forField(indexType, sparseField);
    }

    /** Every accepted {@code index_type} for vector fields, for error messages. */
    public static List<String> names() {
        List<String> names = new java.util.ArrayList<>(KINDS.stream().map(IndexKind::name).toList());
        names.add(1, AUTOINDEX);
        return List.copyOf(names);
    }

    /**
     * The search parameters of {@code kind}, after checking every kind's parameters in the request: a value out of
     * range is refused whichever index the field has (as before kinds owned their parameters; a client finds a bad
     * {@code ef} before it switches the index to HNSW).
     */
    public static SearchParams parseSearch(IndexKind kind, Map<String, String> params, int window) {
        SearchParams own = null;
        for (IndexKind each : KINDS) {
            SearchParams parsed = each.parseSearch(params, window);
            if (each == kind) {
                own = parsed;
            }
        }
        return own != null ? own : kind.parseSearch(params, window);
    }
}
