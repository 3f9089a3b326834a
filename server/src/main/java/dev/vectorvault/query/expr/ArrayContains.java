package dev.vectorvault.query.expr;

import java.util.List;

/**
 * {@code array_contains} / {@code json_contains} and their {@code _all} / {@code _any} forms on an array field
 * or a JSON array. A value that is not an array (null, a missing key, a JSON scalar) is UNKNOWN.
 */
final class ArrayContains implements Condition {
    /** Which of the constant needles must occur in the array. */
    enum Mode { ALL, ANY }

    private final Operand array;
    private final Mode mode;
    private final List<Object> needles;
    private final ValueSet needleSet;

    ArrayContains(Operand array, Mode mode, List<?> needles) {
        this.array = array;
        this.mode = mode;
        this.needles = List.copyOf(needles);
        this.needleSet = new ValueSet(needles);
    }

    @Override
    public Truth evaluate(Row row) {
        if (!(array.evaluate(row) instanceof List<?> elements)) {
            return Truth.UNKNOWN;
        }
        return Truth.of(mode == Mode.ANY ? containsAny(elements) : containsAll(elements));
    }

    @Override
    public Selection select(IndexedRows rows) {
        IndexedRows.FieldIndex index = IndexLookups.indexOf(rows, array);
        if (index == null || !index.arrayElements()) {
            return null;
        }
        java.util.BitSet known = IndexLookups.known(rows, index);
        java.util.BitSet matching;
        if (mode == Mode.ANY) {
            matching = IndexLookups.anyEqual(rows, index, needles);
        } else {
            matching = (java.util.BitSet) known.clone(); // every array holds all of no needles
            for (Object needle : needles) {
                if (needle == null) {
                    return null;
                }
                matching.and(IndexLookups.equalRows(rows, index, needle));
            }
        }
        return Selection.within(known, matching);
    }

    private boolean containsAny(List<?> elements) {
        for (Object element : elements) {
            if (needleSet.contains(element)) {
                return true;
            }
        }
        return false;
    }

    private boolean containsAll(List<?> elements) {
        for (Object needle : needles) {
            if (!contains(elements, needle)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(List<?> elements, Object needle) {
        for (Object element : elements) {
            if (Values.equal(needle, element)) {
                return true;
            }
        }
        return false;
    }
}
