package dev.vectorvault.query.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decoding of literal tokens and template values into the constants the evaluator uses: Long, Double, String,
 * Boolean and unmodifiable Lists of those. Failures throw {@link IllegalArgumentException} with a message the
 * compiler reports at the literal's position.
 */
final class Literals {
    private Literals() {
    }

    /** Decimal or {@code 0x} hexadecimal, optionally already carrying a leading minus. */
    static Long parseInteger(String text) {
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
        try {
            return Long.parseLong((negative ? "-" : "") + (hex ? digits.substring(2) : digits), hex ? 16 : 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("integer " + text + " is out of the Int64 range");
        }
    }

    static Double parseFloat(String text) {
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException("float " + text + " is out of the Double range");
        }
        return value;
    }

    /**
     * Strips the quotes and decodes C-style escapes: {@code \n \t \" \' \\}, octal, and hexadecimal after
     * {@code x}, {@code u} or {@code U} (up to 2, 4 or 8 digits). An
     * unknown escape such as {@code \%} keeps its backslash, so it reaches LIKE, where it makes the next character
     * literal.
     */
    static String unquote(String token) {
        String body = token.substring(1, token.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000B');
                case 'a' -> out.append('\u0007');
                case '\\', '\'', '"', '?' -> out.append(e);
                case 'x' -> i = appendCodePoint(body, i, 2, 16, out);
                case 'u' -> i = appendCodePoint(body, i, 4, 16, out);
                case 'U' -> i = appendCodePoint(body, i, 8, 16, out);
                default -> {
                    if (e >= '0' && e <= '7') {
                        i = appendCodePoint(body, i - 1, 3, 8, out);
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The type of a decoded constant. */
    static FieldType typeOf(Object constant) {
        if (constant instanceof Long) {
            return FieldType.of(ValueType.INT);
        }
        if (constant instanceof Double) {
            return FieldType.of(ValueType.FLOAT);
        }
        if (constant instanceof String) {
            return FieldType.of(ValueType.STRING);
        }
        if (constant instanceof Boolean) {
            return FieldType.of(ValueType.BOOL);
        }
        return FieldType.arrayOf(elementType((List<?>) constant));
    }

    /** A constant as it would be written in a filter, for error messages. */
    static String describe(Object constant) {
        return constant instanceof String s ? '"' + s + '"' : String.valueOf(constant);
    }

    /**
     * A template value converted to a constant: integers to Long, floats to Double, lists element by element. A
     * list longer than {@code limits.maxListSize()}, or lists nested deeper than {@code limits.maxDepth()}, are
     * refused like the literals they stand for.
     */
    static Object fromTemplate(Object value, ExpressionLimits limits) {
        return fromTemplate(value, limits, 0);
    }

    private static Object fromTemplate(Object value, ExpressionLimits limits, int depth) {
        if (value instanceof Long || value instanceof Double || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (Values.isIntegral(value)) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof List<?> list) {
            if (list.size() > limits.maxListSize()) {
                throw new IllegalArgumentException("the list has " + list.size() + " elements, more than the limit of "
                        + limits.maxListSize());
            }
            if (depth >= limits.maxDepth()) {
                throw new IllegalArgumentException("lists are nested more than " + limits.maxDepth() + " levels deep");
            }
            List<Object> converted = new ArrayList<>(list.size());
            for (Object element : list) {
                converted.add(fromTemplate(element, limits, depth + 1));
            }
            return Collections.unmodifiableList(converted);
        }
        throw new IllegalArgumentException(value == null
                ? "null is not a value"
                : "values of type " + value.getClass().getSimpleName() + " are not supported");
    }

    /** Elements' common type: INT and FLOAT mix to FLOAT; empty and mixed lists to JSON, which accepts anything. */
    private static ValueType elementType(List<?> list) {
        ValueType common = null;
        for (Object element : list) {
            ValueType type = typeOf(element).type();
            if (common == null || common == type) {
                common = type;
            } else if (typeOf(element).isNumeric() && (common == ValueType.INT || common == ValueType.FLOAT)) {
                common = ValueType.FLOAT;
            } else {
                return ValueType.JSON;
            }
        }
        return common == null || common == ValueType.ARRAY ? ValueType.JSON : common;
    }

    // Reads up to maxDigits digits after body[at]; returns the index of the last character consumed.
    private static int appendCodePoint(String body, int at, int maxDigits, int radix, StringBuilder out) {
        int end = at + 1;
        while (end < body.length() && end - at - 1 < maxDigits && Character.digit(body.charAt(end), radix) >= 0) {
            end++;
        }
        if (end == at + 1) {
            out.append('\\').append(body.charAt(at));
            return at;
        }
        int codePoint = Integer.parseInt(body.substring(at + 1, end), radix);
        if (!Character.isValidCodePoint(codePoint)) {
            throw new IllegalArgumentException("escape \\" + body.substring(at, end) + " is not a valid character");
        }
        out.appendCodePoint(codePoint);
        return end - 1;
    }
}
