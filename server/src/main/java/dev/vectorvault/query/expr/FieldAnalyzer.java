package dev.vectorvault.query.expr;

import java.util.List;

/**
 * The analyzer of a VarChar field with {@code enable_match}, as {@code text_match} and {@code phrase_match} use it:
 * the same tokens, with the same positions, as the field's values were (or would be) indexed with. Implementations
 * are thread-safe.
 */
@FunctionalInterface
public interface FieldAnalyzer {
    /** The tokens of {@code text} in order; positions count from 0 and keep the gaps removed tokens leave. */
    List<Token> tokens(String text);

    /** One token and its position in the analyzed text. */
    record Token(String term, int position) {}
}
