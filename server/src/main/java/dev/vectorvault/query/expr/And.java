package dev.vectorvault.query.expr;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Conjunction in three-valued logic: FALSE wins, then UNKNOWN. Stops at the first FALSE. */
final class And implements Condition {
    private final Condition[] parts;

    And(List<Condition> parts) {
        this.parts = parts.toArray(Condition[]::new);
    }

    @Override
    public Truth evaluate(Row row) {
        Truth result = Truth.TRUE;
        for (Condition part : parts) {
            Truth truth = part.evaluate(row);
            if (truth == Truth.FALSE) {
                return Truth.FALSE;
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
            result = result == null ? selection : result.and(selection);
        }
        return result;
    }

    // A row is TRUE only where every part is: any part's candidates bound the whole.
    @Override
    public java.util.BitSet candidates(IndexedRows rows) {
        java.util.BitSet result = null;
        for (Condition part : parts) {
            java.util.BitSet narrowed = part.candidates(rows);
            if (narrowed != null) {
                if (result == null) {
                    result = narrowed;
                } else {
                    result.and(narrowed);
                }
            }
        }
        return result;
    }

    @Override
    public Set<Object> pinnedValues(String field) {
        Set<Object> pinned = null;
        for (Condition part : parts) {
            Set<Object> values = part.pinnedValues(field);
            if (values != null) {
                if (pinned == null) {
                    pinned = new LinkedHashSet<>(values);
                } else {
                    pinned.retainAll(values);
                }
            }
        }
        return pinned;
    }

    @Override
    public boolean pinsIsolatedKey(String key) {
        boolean pins = false;
        for (Condition part : parts) {
            pins |= part.pinsIsolatedKey(key); // every part is checked: a forbidden use anywhere is refused
        }
        return pins;
    }
}
