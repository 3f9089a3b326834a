package dev.vectorvault.query.expr;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Disjunction in three-valued logic: TRUE wins, then UNKNOWN. Stops at the first TRUE. */
final class Or implements Condition {
    private final Condition[] parts;

    Or(List<Condition> parts) {
        this.parts = parts.toArray(Condition[]::new);
    }

    @Override
    public Truth evaluate(Row row) {
        Truth result = Truth.FALSE;
        for (Condition part : parts) {
            Truth truth = part.evaluate(row);
            if (truth == Truth.TRUE) {
                return Truth.TRUE;
            }
            if (truth == Truth.UNKNOWN) {
                result = Truth.UNKNOWN;
            }
        }
        return result;
    }

    @Override
    public Selection select(IndexedRows rows) {
        Selection result = null;
        for (Condition part : parts) {
            Selection selection = part.select(rows);
            if (selection == null) {
                return null;
            }
            result = result == null ? selection : result.or(selection);
        }
        return result;
    }

    // A row is TRUE where some part is: the union bounds the whole, unless a part narrows nothing.
    @Override
    public java.util.BitSet candidates(IndexedRows rows) {
        java.util.BitSet result = null;
        for (Condition part : parts) {
            java.util.BitSet narrowed = part.candidates(rows);
            if (narrowed == null) {
                return null;
            }
            if (result == null) {
                result = narrowed;
            } else {
                result.or(narrowed);
            }
        }
        return result;
    }

    @Override
    public boolean collectKeys(String primaryKey, Collection<Object> keys) {
        for (Condition part : parts) {
            if (!part.collectKeys(primaryKey, keys)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Set<Object> pinnedValues(String field) {
        Set<Object> union = new LinkedHashSet<>();
        for (Condition part : parts) {
            Set<Object> values = part.pinnedValues(field);
            if (values == null) {
                return null; // a part that lets any value through lets any value through the OR
            }
            union.addAll(values);
        }
        return union;
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        boolean mentions = false;
        for (Condition part : parts) {
            mentions |= part.pinsIsolatedKey(key);
        }
        if (mentions) {
            throw new IsolationViolation("OR");
        }
        return false;
    }
}
