package dev.vectorvault.catalog;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.ScalarIndexType;
import java.util.Optional;

/**
 * Milvus 2.6's rules for which scalar field takes which scalar index type (its {@code indexparamcheck} checkers, with
 * their messages), and what a scalar index definition is built as here.
 * <ul>
 * <li>{@code STL_SORT}: numeric fields.</li>
 * <li>{@code INVERTED}: Bool, numbers, VarChar, arrays, JSON.</li>
 * <li>{@code BITMAP}: Bool, integers, VarChar, and arrays of those; never the primary key.</li>
 * <li>{@code TRIE}: VarChar.</li>
 * <li>{@code AUTOINDEX}: any scalar field; Milvus builds BITMAP for Bool and a hybrid of BITMAP and INVERTED / STL_SORT
 *     for the others, which answers exactly as INVERTED does, so INVERTED is built here.</li>
 * </ul>
 * TRIE and indexes on JSON fields are recorded and reported but not built: filters on those fields scan.
 */
final class ScalarIndexRules {
    private ScalarIndexRules() {}

    /**
     * Refuses a scalar index type the field does not take (1100, Milvus's message).
     *
     * @param type upper case, one of {@link Indexes#SCALAR_INDEX_TYPES}
     */
    static void check(FieldSchema field, String type) {
        DataType data = field.dataType();
        boolean numeric = data.isInteger() || data == DataType.FLOAT || data == DataType.DOUBLE;
        switch (type) {
            case "STL_SORT" -> {
                if (!numeric) {
                    throw MilvusException.invalidParameterAsIs("STL_SORT are only supported on numeric field");
                }
            }
            case "TRIE" -> {
                if (data != DataType.VARCHAR) {
                    throw MilvusException.invalidParameterAsIs("TRIE are only supported on varchar field");
                }
            }
            case "BITMAP" -> {
                if (field.primaryKey()) {
                    throw MilvusException.invalidParameterAsIs("create bitmap index on primary key not supported");
                }
                if (data == DataType.ARRAY) {
                    if (!bitmapElement(field.elementType())) {
                        throw MilvusException.invalidParameterAsIs(
                                "bitmap index are only supported on bool, int, string for array field");
                    }
                } else if (!bitmapElement(data)) {
                    throw MilvusException.invalidParameterAsIs(
                            "bitmap index are only supported on bool, int, string and array field");
                }
            }
            default -> {
                // INVERTED and AUTOINDEX take every scalar type.
            }
        }
    }

    private static boolean bitmapElement(DataType type) {
        return type != null && (type == DataType.BOOL || type.isInteger() || type == DataType.VARCHAR);
    }

    /** The index built per sealed segment for a scalar index definition on {@code field}; empty: none (scan). */
    static Optional<ScalarIndexType> builtType(FieldSchema field, String indexType) {
        if (field.dataType() == DataType.JSON || field.dataType().isVector() || field.dynamic()) {
            return Optional.empty();
        }
        if (Indexes.SCALAR_AUTOINDEX.equalsIgnoreCase(indexType)) {
            return Optional.of(field.dataType() == DataType.BOOL ? ScalarIndexType.BITMAP : ScalarIndexType.INVERTED);
        }
        return ScalarIndexType.of(indexType);
    }
}
