package dev.vectorvault.query.expr;

import java.util.Collection;

/** {@code left op right} between fields, paths, constants or arithmetic. */
record Comparison(Operand left, CompareOp op, Operand right) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return op.apply(left.evaluate(row), right.evaluate(row));
    }

    @Override
    public boolean collectKeys(String primaryKey, Collection<Object> keys) {
        Operand other = isField(left, primaryKey) ? right : isField(right, primaryKey) ? left : null;
        if (op != CompareOp.EQ || !(other instanceof Constant key)) {
            return false;
        }
        keys.add(key.value());
        return true;
    }

    private static boolean isField(Operand operand, String name) {
        return operand instanceof FieldReference field && field.name().equals(name);
    }
}
