package dev.vectorvault.query.expr;

import java.util.List;

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
}
