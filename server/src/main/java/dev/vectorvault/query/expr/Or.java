package dev.vectorvault.query.expr;

import java.util.Collection;
import java.util.List;

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
    public boolean collectKeys(String primaryKey, Collection<Object> keys) {
        for (Condition part : parts) {
            if (!part.collectKeys(primaryKey, keys)) {
                return false;
            }
        }
        return true;
    }
}
