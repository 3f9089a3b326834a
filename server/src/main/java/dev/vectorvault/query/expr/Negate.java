package dev.vectorvault.query.expr;

/** Unary minus; null for null and for a JSON value that is not a number. */
record Negate(Operand operand) implements Operand {
    @Override
    public Object evaluate(Row row) {
        return negate(operand.evaluate(row));
    }

    static Object negate(Object value) {
        if (Values.isIntegral(value)) {
            return -((Number) value).longValue();
        }
        return value instanceof Number n ? (Object) (-n.doubleValue()) : null;
    }
}
