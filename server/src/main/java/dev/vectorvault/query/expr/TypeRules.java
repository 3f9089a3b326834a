package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.ValueType.BOOL;
import static dev.vectorvault.query.expr.ValueType.JSON;
import static dev.vectorvault.query.expr.ValueType.STRING;

/**
 * Which static types may meet in an operation. JSON is typed per row, so it is accepted wherever a scalar is,
 * and the row-time semantics take over (a JSON value of the wrong type never matches).
 */
final class TypeRules {
    private TypeRules() {
    }

    /** Null when {@code left op right} is allowed, else the reason it is not. */
    static String checkComparison(FieldType left, CompareOp op, FieldType right) {
        if (left.is(BOOL) && right.is(BOOL) && op.isOrdering()) {
            return "operator " + op.symbol() + " is not supported between Bool values";
        }
        boolean allowed = left.is(JSON) || right.is(JSON)
                ? jsonComparable(left.is(JSON) ? right : left, op)
                : equalityCompatible(left, right);
        return allowed ? null : "comparison between " + left.milvusName() + " and " + right.milvusName()
                + " is not supported";
    }

    /** Whether a value of one type can ever equal a value of the other. */
    static boolean equalityCompatible(FieldType a, FieldType b) {
        if (a.is(JSON) || b.is(JSON)) {
            return !a.is(ValueType.ARRAY) && !b.is(ValueType.ARRAY);
        }
        return a.isNumeric() && b.isNumeric() || a.is(STRING) && b.is(STRING) || a.is(BOOL) && b.is(BOOL);
    }

    /** Whether arithmetic may use this type: numbers, and JSON values that may turn out to be numbers. */
    static boolean arithmetic(FieldType type) {
        return type.isNumeric() || type.is(JSON);
    }

    /** A single value (possibly JSON), as {@code in} and the ordering operators need; arrays and vectors are not. */
    static boolean scalarOrJson(FieldType type) {
        return type.isNumeric() || type.is(STRING) || type.is(BOOL) || type.is(JSON);
    }

    // Arrays (JSON arrays are lists too) compare for deep equality, and neither they nor booleans have an order.
    private static boolean jsonComparable(FieldType other, CompareOp op) {
        if (other.is(ValueType.ARRAY) || other.is(BOOL)) {
            return !op.isOrdering();
        }
        return scalarOrJson(other);
    }
}
