package dev.vectorvault.query.expr;

/** A Bool field or JSON value used as a condition ({@code active}, {@code j["on"]}); a non-Boolean is UNKNOWN. */
record BooleanValue(Operand operand) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return operand.evaluate(row) instanceof Boolean b ? Truth.of(b) : Truth.UNKNOWN;
    }
}
