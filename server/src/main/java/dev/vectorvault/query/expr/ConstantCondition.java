package dev.vectorvault.query.expr;

/** A condition whose outcome is known without looking at the row: {@code true}, {@code 1 < 2}, the empty filter. */
record ConstantCondition(Truth truth) implements Condition {
    static final ConstantCondition ALWAYS = new ConstantCondition(Truth.TRUE);

    @Override
    public Truth evaluate(Row row) {
        return truth;
    }

    @Override
    public Selection select(IndexedRows rows) {
        return Selection.all(rows.rowCount(), truth);
    }
}
