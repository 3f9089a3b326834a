package dev.vectorvault.query.expr;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** {@code operand in [...]} / {@code not in}; a null operand is UNKNOWN either way, an empty list matches nothing. */
final class Membership implements Condition {
    private final Operand operand;
    private final List<Object> values;
    private final ValueSet set;
    private final boolean negated;

    Membership(Operand operand, List<?> values, boolean negated) {
        this.operand = operand;
        this.values = List.copyOf(values);
        this.set = new ValueSet(values);
        this.negated = negated;
    }

    @Override
    public Truth evaluate(Row row) {
        Object value = operand.evaluate(row);
        if (value == null) {
            return Truth.UNKNOWN;
        }
        return Truth.of(set.contains(value) != negated);
    }

    @Override
    public Selection select(IndexedRows rows) {
        IndexedRows.FieldIndex index = IndexLookups.indexOf(rows, operand);
        if (index == null || index.arrayElements()) {
            return null;
        }
        java.util.BitSet known = IndexLookups.known(rows, index);
        java.util.BitSet in = IndexLookups.anyEqual(rows, index, values);
        return Selection.within(known, negated ? IndexLookups.minus(known, in) : in);
    }

    @Override
    public boolean collectKeys(String primaryKey, Collection<Object> keys) {
        if (negated || !(operand instanceof FieldReference field) || !field.name().equals(primaryKey)) {
            return false;
        }
        keys.addAll(values);
        return true;
    }

    @Override
    public Set<Object> pinnedValues(String field) {
        if (negated || !(operand instanceof FieldReference reference) || !reference.name().equals(field)) {
            return null;
        }
        return new java.util.LinkedHashSet<>(values);
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        if (operand instanceof FieldReference reference && reference.name().equals(key)) {
            throw new IsolationViolation("IN");
        }
        return false;
    }
}
