package dev.vectorvault.query.expr;

/**
 * A filter expression that cannot be parsed or does not fit the schema. The message follows Milvus's wording,
 * {@code cannot parse expression: <expr>, error: line <line>:<column> <detail>}, so it can be returned to clients
 * as is; the column counts characters from 0 like ANTLR's.
 */
public final class ExpressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Longer expressions are cut in the message, which goes back to the client and into logs. */
    static final int MAX_ECHOED_CHARS = 1000;

    private final int position;

    private ExpressionException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** Reports {@code detail} at 1-based {@code line}, 0-based {@code column} (in code points) of {@code expression}. */
    static ExpressionException at(String expression, int line, int column, String detail) {
        return new ExpressionException(
                "cannot parse expression: " + echo(expression) + ", error: line " + line + ":" + column + " " + detail,
                offset(expression, line, column));
    }

    /** Zero-based index of the offending text in the expression string, in chars as {@link String#charAt} counts. */
    public int position() {
        return position;
    }

    private static String echo(String expression) {
        if (expression.length() <= MAX_ECHOED_CHARS) {
            return expression;
        }
        int end = Character.isHighSurrogate(expression.charAt(MAX_ECHOED_CHARS - 1))
                ? MAX_ECHOED_CHARS - 1 : MAX_ECHOED_CHARS;
        return expression.substring(0, end) + "... (" + expression.length() + " characters)";
    }

    // ANTLR counts lines at '\n' and columns in code points; callers index Java strings, so translate.
    private static int offset(String expression, int line, int column) {
        int lineStart = 0;
        for (int l = 1; l < line; l++) {
            int newline = expression.indexOf('\n', lineStart);
            if (newline < 0) {
                return expression.length();
            }
            lineStart = newline + 1;
        }
        int remaining = expression.codePointCount(lineStart, expression.length());
        return expression.offsetByCodePoints(lineStart, Math.min(column, remaining));
    }
}
