package dev.vectorvault.query.expr;

/**
 * Bounds on a filter a client may send, so that neither its size nor its shape can make the server spend
 * unbounded time, memory or stack on it: the text's length in characters, how deeply it nests (each parenthesis,
 * list bracket, function call, {@code not}, unary sign and {@code **} opens one level inside its operand), and how
 * many elements one list may hold (a literal such as {@code [1, 2, 3]} or a template value).
 *
 * <p>Long flat chains ({@code a + 1 + 1 ...}, {@code x or y or ...}) are not nesting: they are parsed, compiled and
 * evaluated in loops, so only the length bounds them.
 */
public record ExpressionLimits(int maxLength, int maxDepth, int maxListSize) {
    /** The defaults of {@code proxy.maxExpressionLength}, {@code proxy.maxExpressionDepth}, {@code proxy.maxExpressionListSize}. */
    public static final ExpressionLimits DEFAULTS = new ExpressionLimits(1 << 20, 100, 100_000);

    public ExpressionLimits {
        if (maxLength < 1 || maxDepth < 1 || maxListSize < 1) {
            throw new IllegalArgumentException("expression limits must be positive: " + maxLength + ", " + maxDepth
                    + ", " + maxListSize);
        }
    }
}
