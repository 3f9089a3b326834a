package dev.vectorvault.query.expr;

/**
 * What the compiler knows about a sub-expression while it builds the tree: how to compute it, its static type,
 * and its value when that is known at parse time (literals, templates, folded arithmetic).
 */
final class Term {
    private final FieldType type;
    private final Operand operand;
    private final Condition condition; // set when the term was built as a boolean node
    private final Object constant;     // set when the value is known now

    private Term(FieldType type, Operand operand, Condition condition, Object constant) {
        this.type = type;
        this.operand = operand;
        this.condition = condition;
        this.constant = constant;
    }

    static Term constant(Object value) {
        return new Term(Literals.typeOf(value), new Constant(value), null, value);
    }

    static Term value(Operand operand, FieldType type) {
        return new Term(type, operand, null, null);
    }

    static Term condition(Condition condition) {
        return new Term(FieldType.nullable(ValueType.BOOL), new ConditionValue(condition), condition, null);
    }

    FieldType type() {
        return type;
    }

    boolean is(ValueType kind) {
        return type.is(kind);
    }

    Operand operand() {
        return operand;
    }

    /** The boolean node this term was built as, or null when it is a value. */
    Condition condition() {
        return condition;
    }

    boolean isConstant() {
        return constant != null;
    }

    /** The constant value, or null when it is only known per row. */
    Object constant() {
        return constant;
    }

    /** A field or a path into one: what {@code is null}, {@code exists} and the array functions apply to. */
    boolean isPath() {
        return operand instanceof FieldReference || operand instanceof PathReference;
    }
}
