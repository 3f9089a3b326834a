package dev.vectorvault.query.expr;

import java.util.Collection;
import java.util.Set;

/** {@code left op right} between fields, paths, constants or arithmetic. */
record Comparison(Operand left, CompareOp op, Operand right) implements Condition {
    @Override
    public Truth evaluate(Row row) {
        return op.apply(left.evaluate(row), right.evaluate(row));
    }

    @Override
    public Selection select(IndexedRows rows) {
        if (left instanceof FieldReference && right instanceof Constant constant) {
            return IndexLookups.compare(rows, IndexLookups.indexOf(rows, left), op, constant.value());
        }
        if (right instanceof FieldReference && left instanceof Constant constant) {
            return IndexLookups.compare(rows, IndexLookups.indexOf(rows, right), flipped(op), constant.value());
        }
        return null;
    }

    /** The operator with its operands swapped: {@code c < x} is {@code x > c}. */
    static CompareOp flipped(CompareOp op) {
        return switch (op) {
            case LT -> CompareOp.GT;
            case LE -> CompareOp.GE;
            case GT -> CompareOp.LT;
            case GE -> CompareOp.LE;
            case EQ, NE -> op;
        };
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

    @Override
    public Set<Object> pinnedValues(String field) {
        Operand other = isField(left, field) ? right : isField(right, field) ? left : null;
        return op == CompareOp.EQ && other instanceof Constant value && value.value() != null
                ? Set.of(value.value()) : null;
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        boolean keyLeft = isField(left, key);
        Operand other = keyLeft ? right : isField(right, key) ? left : null;
        if (!(other instanceof Constant)) {
            return false; // key against another field or an expression: not a rule Milvus applies either
        }
        if (op == CompareOp.EQ) {
            return true;
        }
        // Milvus names the operator as written with the key on the left (10 < key is key GreaterThan 10).
        CompareOp keyOp = keyLeft ? op : switch (op) {
            case LT -> CompareOp.GT;
            case LE -> CompareOp.GE;
            case GT -> CompareOp.LT;
            case GE -> CompareOp.LE;
            default -> op;
        };
        throw new IsolationViolation(switch (keyOp) {
            case NE -> "NotEqual";
            case LT -> "LessThan";
            case LE -> "LessEqual";
            case GT -> "GreaterThan";
            case GE -> "GreaterEqual";
            case EQ -> "Equal";
        });
    }
}
