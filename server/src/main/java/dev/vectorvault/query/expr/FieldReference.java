package dev.vectorvault.query.expr;

/** The whole value of one field of the row. */
record FieldReference(String name) implements Operand {
    @Override
    public Object evaluate(Row row) {
        return row.value(name);
    }
}
