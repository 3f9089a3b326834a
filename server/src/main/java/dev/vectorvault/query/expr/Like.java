package dev.vectorvault.query.expr;

/** {@code operand like "pattern"}; a null, missing or non-string value is UNKNOWN. */
record Like(Operand operand, LikePattern pattern) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return operand.evaluate(row) instanceof String text ? Truth.of(pattern.matches(text)) : Truth.UNKNOWN;
    }

    @Override
    public Selection select(IndexedRows rows) {
        String prefix = pattern.prefixOnly();
        return prefix == null ? null : IndexLookups.prefix(rows, IndexLookups.indexOf(rows, operand), prefix);
    }
}
