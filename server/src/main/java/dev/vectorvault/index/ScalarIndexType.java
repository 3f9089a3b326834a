package dev.vectorvault.index;

import java.util.Locale;
import java.util.Optional;

/**
 * Milvus's scalar index types that answer filters here. All three are built per sealed segment as sorted distinct
 * values with the ordinals of the rows holding each ({@link ScalarIndex}); they answer the same operators and differ
 * in which field types Milvus allows them on (checked by the catalog) and in their file's kind name.
 * <ul>
 * <li>{@code STL_SORT}: values in sorted order (Milvus: numeric fields).</li>
 * <li>{@code INVERTED}: value to posting list (numeric, VarChar, Bool; arrays by element).</li>
 * <li>{@code BITMAP}: value to row set, meant for low cardinality (Bool, integers, VarChar; arrays by element).</li>
 * </ul>
 */
public enum ScalarIndexType {
    STL_SORT, INVERTED, BITMAP;

    /** The type Milvus's {@code index_type} names, ignoring case; empty for one without a built scalar index. */
    public static Optional<ScalarIndexType> of(String indexType) {
        if (indexType == null) {
            return Optional.empty();
        }
        String name = indexType.trim().toUpperCase(Locale.ROOT);
        for (ScalarIndexType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The name of this type in its files' names ({@code "scalar-stl-sort"}). */
    public String fileKind() {
        return "scalar-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
