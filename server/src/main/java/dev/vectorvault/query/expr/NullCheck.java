package dev.vectorvault.query.expr;

/**
 * {@code x is null}, {@code x is not null} and {@code exists j["k"]}. A missing JSON key and an explicit JSON
 * null both count as null, so {@code exists} is {@code is not null}. The only condition that is never UNKNOWN.
 */
record NullCheck(Operand operand, boolean matchNull) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return Truth.of((operand.evaluate(row) == null) == matchNull);
    }

    @Override
    public Selection select(IndexedRows rows) {
        IndexedRows.FieldIndex index = IndexLookups.indexOf(rows, operand);
        if (index == null) {
            return null;
        }
        java.util.BitSet all = new java.util.BitSet(rows.rowCount());
        all.set(0, rows.rowCount());
        java.util.BitSet nulls = index.nulls();
        return Selection.within(all, matchNull ? nulls : IndexLookups.minus(all, nulls));
    }
}
