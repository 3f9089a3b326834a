package dev.vectorvault.query.expr;

import java.util.List;

/**
 * Run-time value semantics shared by the evaluator: integral and floating numbers compare by value (exactly, even
 * past 2^53), strings by code point (UTF-8 byte order, as Milvus compares them), lists element by element.
 */
final class Values {
    /** Result of {@link #order} for values that have no order between them (a string and a number, NaN, ...). */
    static final int INCOMPARABLE = Integer.MIN_VALUE;

    private static final double TWO_TO_THE_63 = 0x1p63;

    private Values() {
    }

    static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** Negative, zero or positive like {@link Comparable}, or {@link #INCOMPARABLE}. */
    static int order(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return compareNumbers(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return compareStrings(x, y);
        }
        return INCOMPARABLE;
    }

    /** Equality that never throws: values of different kinds are simply unequal. */
    static boolean equal(Object a, Object b) {
        if (a instanceof Number x) {
            return b instanceof Number y && compareNumbers(x, y) == 0;
        }
        if (a instanceof List<?> x) {
            if (!(b instanceof List<?> y) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a != null && a.equals(b);
    }

    /**
     * A representative for hashing under {@link #equal}: a number with an integral value becomes a Long, any other
     * number a Double; strings and booleans stand for themselves.
     */
    static Object hashKey(Object value) {
        if (value instanceof Long) {
            return value;
        }
        if (isIntegral(value)) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            boolean integral = d == Math.rint(d) && d >= -TWO_TO_THE_63 && d < TWO_TO_THE_63;
            return integral ? (Object) (long) d : (Object) d;
        }
        return value;
    }

    private static int compareNumbers(Number x, Number y) {
        boolean xIntegral = isIntegral(x);
        boolean yIntegral = isIntegral(y);
        if (xIntegral && yIntegral) {
            return Long.compare(x.longValue(), y.longValue());
        }
        if (xIntegral) {
            return compareLongToDouble(x.longValue(), y.doubleValue());
        }
        if (yIntegral) {
            int reversed = compareLongToDouble(y.longValue(), x.doubleValue());
            return reversed == INCOMPARABLE ? INCOMPARABLE : -reversed;
        }
        double dx = x.doubleValue();
        double dy = y.doubleValue();
        if (Double.isNaN(dx) || Double.isNaN(dy)) {
            return INCOMPARABLE;
        }
        return dx < dy ? -1 : dx > dy ? 1 : 0;
    }

    // Converting the long to double would round above 2^53 and call 2^53 + 1 equal to 2^53.0.
    private static int compareLongToDouble(long l, double d) {
        if (Double.isNaN(d)) {
            return INCOMPARABLE;
        }
        if (d >= TWO_TO_THE_63) {
            return -1;
        }
        if (d < -TWO_TO_THE_63) {
            return 1;
        }
        long whole = (long) d; // exact: truncates toward zero within the long range
        if (l != whole) {
            return Long.compare(l, whole);
        }
        double fraction = d - whole;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }

    private static int compareStrings(String a, String b) {
        int shared = Math.min(a.length(), b.length());
        for (int i = 0; i < shared; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(codePointRank(x), codePointRank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    // UTF-16 sorts surrogates (code points above U+FFFF) before U+E000..U+FFFF; code point order puts them after.
    private static int codePointRank(char c) {
        if (Character.isSurrogate(c)) {
            return c + 0x2000;
        }
        return c >= 0xE000 ? c - 0x800 : c;
    }
}
