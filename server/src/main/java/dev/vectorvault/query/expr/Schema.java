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
}
