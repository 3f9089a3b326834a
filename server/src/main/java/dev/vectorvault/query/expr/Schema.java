package dev.vectorvault.query.expr;

import java.util.Optional;

/** The names an expression may refer to, with their types; consulted only while parsing. */
public interface Schema {
    /** The declared field with this exact (case-sensitive) name, if any. */
    Optional<FieldType> field(String name);

    /**
     * Name of the dynamic JSON field when the collection has one (e.g. "$meta"), else empty. Unknown bare
     * identifiers then mean dynamicField["identifier"].
     */
    Optional<String> dynamicField();

    /**
     * Whether the declared field (the dynamic one included) is loaded: a partly loaded collection keeps the others out
     * of filters, as Milvus does.
     */
    default boolean loaded(String field) {
        return true;
    }

    /**
     * The analyzer of {@code field} when it is a VarChar field with {@code enable_match} (so {@code text_match} and
     * {@code phrase_match} apply to it), else empty.
     */
    default Optional<FieldAnalyzer> matchAnalyzer(String field) {
        return Optional.empty();
    }
}
