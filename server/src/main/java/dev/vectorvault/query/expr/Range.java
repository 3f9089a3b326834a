package dev.vectorvault.query.expr;

/** A chained comparison {@code lower op1 middle op2 upper}, e.g. {@code 1 < x <= 5}; the middle is read once. */
record Range(Operand lower, CompareOp lowerOp, Operand middle, CompareOp upperOp, Operand upper) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        Object value = middle.evaluate(row);
        if (value == null) {
            return Truth.UNKNOWN;
        }
        Truth low = lowerOp.apply(lower.evaluate(row), value);
        if (low == Truth.FALSE) {
            return Truth.FALSE;
        }
        Truth high = upperOp.apply(value, upper.evaluate(row));
        return high == Truth.TRUE ? low : high;
    }

    // lower op1 x op2 upper is (x flipped(op1) lower) AND (x op2 upper), with AND's three-valued logic, as evaluate.
    @Override
    public Selection select(IndexedRows rows) {
        if (!(lower instanceof Constant low) || !(upper instanceof Constant high)) {
            return null;
        }
        IndexedRows.FieldIndex index = IndexLookups.indexOf(rows, middle);
        Selection above = IndexLookups.compare(rows, index, Comparison.flipped(lowerOp), low.value());
        Selection below = IndexLookups.compare(rows, index, upperOp, high.value());
        return above == null || below == null ? null : above.and(below);
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        if (middle instanceof FieldReference reference && reference.name().equals(key)) {
            throw new IsolationViolation("BinaryRange");
        }
        return false;
    }
}
