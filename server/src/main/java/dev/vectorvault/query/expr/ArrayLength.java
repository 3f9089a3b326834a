package dev.vectorvault.query.expr;

import java.util.List;

/** {@code array_length(a)}: the element count of an array field or JSON array; null for anything else. */
record ArrayLength(Operand array) implements Operand {
    @Override
    public Object evaluate(Row row) {
        return array.evaluate(row) instanceof List<?> list ? (Object) (long) list.size() : null;
    }
}
