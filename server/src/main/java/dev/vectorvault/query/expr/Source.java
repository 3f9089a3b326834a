package dev.vectorvault.query.expr;

import java.util.function.Supplier;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** The expression text being compiled, so that a problem found anywhere in the tree can point into it. */
record Source(String text) {
    ExpressionException error(Token at, String detail) {
        return ExpressionException.at(text, at.getLine(), at.getCharPositionInLine(), detail);
    }

    ExpressionException error(ParserRuleContext at, String detail) {
        return error(at.getStart(), detail);
    }

    /** Runs a literal decoder, reporting its {@link IllegalArgumentException} at {@code at}. */
    <T> T decode(ParserRuleContext at, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
        }
    }
}
