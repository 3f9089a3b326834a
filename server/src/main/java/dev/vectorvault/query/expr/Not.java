package dev.vectorvault.query.expr;

/** Negation; UNKNOWN stays UNKNOWN, so {@code not (x > 1)} does not match a row where x is null. */
record Not(Condition operand) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return operand.evaluate(row).not();
    }

    @Override
    public Selection select(IndexedRows rows) {
        Selection inner = operand.select(rows);
        return inner == null ? null : inner.not();
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        if (operand.pinsIsolatedKey(key)) {
            throw new IsolationViolation("NOT");
        }
        return false;
    }
}
