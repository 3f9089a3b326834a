package dev.vectorvault.query.expr;

/** A literal, a template value or a folded constant sub-expression; never null. */
record Constant(Object value) implements Operand {
    @Override
    public Object evaluate(Row row) {
        return value;
    }
}
