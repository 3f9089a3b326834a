package dev.vectorvault.query.expr;

/** {@code left op right}; null when either side is null or the result is undefined. */
record Arithmetic(ArithmeticOp op, Operand left, Operand right) implements Operand {
    @Override
    public Object evaluate(Row row) {
        Object l = left.evaluate(row);
        return l == null ? null : op.apply(l, right.evaluate(row));
    }
}
