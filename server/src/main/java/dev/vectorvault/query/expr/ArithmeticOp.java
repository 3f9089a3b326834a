package dev.vectorvault.query.expr;

/**
 * Arithmetic as Milvus evaluates it: integers stay 64-bit longs (wrapping on overflow, dividing toward zero),
 * anything with a double is a double, {@code **} is always a double, {@code %} needs integers.
 * An undefined result (division by zero, a non-number operand) is null, so the surrounding comparison is UNKNOWN.
 */
enum ArithmeticOp {
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("**");

    private final String symbol;

    ArithmeticOp(String symbol) {
        this.symbol = symbol;
    }

    static ArithmeticOp of(int tokenType) {
        return switch (tokenType) {
            case FilterLexer.ADD -> ADD;
            case FilterLexer.SUB -> SUB;
            case FilterLexer.MUL -> MUL;
            case FilterLexer.DIV -> DIV;
            case FilterLexer.MOD -> MOD;
            case FilterLexer.POW -> POW;
            default -> throw new IllegalArgumentException("not an arithmetic token: " + tokenType);
        };
    }

    String symbol() {
        return symbol;
    }

    Object apply(Object a, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            return null;
        }
        if (this == POW) {
            return Math.pow(x.doubleValue(), y.doubleValue());
        }
        if (Values.isIntegral(x) && Values.isIntegral(y)) {
            return applyToLongs(x.longValue(), y.longValue());
        }
        return this == MOD ? null : applyToDoubles(x.doubleValue(), y.doubleValue());
    }

    private Long applyToLongs(long l, long r) {
        return switch (this) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> r == 0 ? null : l / r;
            case MOD -> r == 0 ? null : l % r;
            case POW -> throw new AssertionError("power is computed on doubles");
        };
    }

    private Double applyToDoubles(double l, double r) {
        return switch (this) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> r == 0 ? null : l / r;
            case MOD, POW -> throw new AssertionError(this + " is not computed here");
        };
    }
}
