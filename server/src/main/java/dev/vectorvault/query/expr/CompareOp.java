package dev.vectorvault.query.expr;

/** The six comparison operators with null-aware semantics: anything compared with null is UNKNOWN. */
enum CompareOp {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String symbol;

    CompareOp(String symbol) {
        this.symbol = symbol;
    }

    static CompareOp of(int tokenType) {
        return switch (tokenType) {
            case FilterLexer.EQ -> EQ;
            case FilterLexer.NE -> NE;
            case FilterLexer.LT -> LT;
            case FilterLexer.LE -> LE;
            case FilterLexer.GT -> GT;
            case FilterLexer.GE -> GE;
            default -> throw new IllegalArgumentException("not a comparison token: " + tokenType);
        };
    }

    String symbol() {
        return symbol;
    }

    boolean isOrdering() {
        return this != EQ && this != NE;
    }

    /** Whether {@code a this b that c} is a range: both operators point the same way. */
    boolean chainsWith(CompareOp that) {
        boolean ascending = this == LT || this == LE;
        boolean descending = this == GT || this == GE;
        return ascending && (that == LT || that == LE) || descending && (that == GT || that == GE);
    }

    Truth apply(Object a, Object b) {
        if (a == null || b == null) {
            return Truth.UNKNOWN;
        }
        if (this == EQ) {
            return Truth.of(Values.equal(a, b));
        }
        if (this == NE) {
            return Truth.of(!Values.equal(a, b));
        }
        int order = Values.order(a, b);
        if (order == Values.INCOMPARABLE) {
            return Truth.UNKNOWN;
        }
        return Truth.of(switch (this) {
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
            case EQ, NE -> throw new AssertionError("equality is not an ordering");
        });
    }
}
