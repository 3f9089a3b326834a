package dev.vectorvault.query.expr;

/** A condition used where a value is expected, as in {@code (a > 1) == flag}; UNKNOWN becomes null. */
record ConditionValue(Condition condition) implements Operand {
    @Override
    public Object evaluate(Row row) {
        return switch (condition.evaluate(row)) {
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case UNKNOWN -> null;
        };
    }
}
