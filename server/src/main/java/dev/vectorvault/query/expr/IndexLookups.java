package dev.vectorvault.query.expr;

import java.util.BitSet;
import java.util.List;

/**
 * How the leaf conditions a scalar index can answer turn into {@link Selection}s, with the same semantics as their
 * row-by-row evaluation ({@link CompareOp#apply}, {@link Values}): a null value is UNKNOWN, a constant of another kind
 * than the field's values is never equal and has no order with them. Every method returns null when the index
 * cannot answer (no index on the field, an array index asked about whole values, a null constant).
 */
final class IndexLookups {
    private IndexLookups() {}

    /** The index of {@code operand} when it is a plain field reference with an index in this segment. */
    static IndexedRows.FieldIndex indexOf(IndexedRows rows, Operand operand) {
        return operand instanceof FieldReference field ? rows.field(field.name()) : null;
    }

    /** The rows with a non-null value. */
    static BitSet known(IndexedRows rows, IndexedRows.FieldIndex index) {
        BitSet known = new BitSet(rows.rowCount());
        known.set(0, rows.rowCount());
        known.andNot(index.nulls());
        return known;
    }

    /** {@code field op constant}. */
    static Selection compare(IndexedRows rows, IndexedRows.FieldIndex index, CompareOp op, Object constant) {
        if (index == null || index.arrayElements() || constant == null) {
            return null;
        }
        BitSet known = known(rows, index);
        if (op == CompareOp.EQ || op == CompareOp.NE) {
            BitSet equal = equalRows(rows, index, constant);
            return op == CompareOp.EQ ? Selection.within(known, equal) : Selection.within(known, minus(known, equal));
        }
        if (!orderable(index.keys(), constant)) {
            // No order between the values and the constant (or no values): UNKNOWN for every row.
            return new Selection(new BitSet(rows.rowCount()), new BitSet(rows.rowCount()));
        }
        BitSet matching = index.rowsWhere(key -> {
            int order = Values.order(key, constant);
            boolean in = switch (op) {
                case LT -> order < 0;
                case LE -> order <= 0;
                case GT -> order > 0;
                case GE -> order >= 0;
                case EQ, NE -> throw new AssertionError("handled above");
            };
            if (in) {
                return 0;
            }
            return op == CompareOp.LT || op == CompareOp.LE ? 1 : -1;
        });
        return Selection.within(known, matching);
    }

    /** Rows whose value (or, for an array index, one of whose elements) equals {@code constant}. */
    static BitSet equalRows(IndexedRows rows, IndexedRows.FieldIndex index, Object constant) {
        if (!sameKind(index.keys(), constant)) {
            return new BitSet(rows.rowCount());
        }
        if (index.keys() == IndexedRows.Keys.BOOL) {
            return index.rowsWhere(key -> Boolean.compare((Boolean) key, (Boolean) constant));
        }
        return index.rowsWhere(key -> Integer.signum(Values.order(key, constant)));
    }

    /** Rows whose value equals one of {@code values} (constants of other kinds, lists included, match nothing). */
    static BitSet anyEqual(IndexedRows rows, IndexedRows.FieldIndex index, List<Object> values) {
        BitSet union = new BitSet(rows.rowCount());
        for (Object value : values) {
            if (value != null) {
                union.or(equalRows(rows, index, value));
            }
        }
        return union;
    }

    /** {@code field like "prefix%"}: the rows whose string starts with {@code prefix}. */
    static Selection prefix(IndexedRows rows, IndexedRows.FieldIndex index, String prefix) {
        if (index == null || index.arrayElements()) {
            return null;
        }
        if (index.keys() != IndexedRows.Keys.STRING) {
            // Only strings are LIKE-tested; any other value is UNKNOWN (and a field without values is all null).
            return new Selection(new BitSet(rows.rowCount()), new BitSet(rows.rowCount()));
        }
        BitSet matching = index.rowsWhere(key -> {
            String text = (String) key;
            return text.startsWith(prefix) ? 0 : Integer.signum(Values.order(text, prefix));
        });
        return Selection.within(known(rows, index), matching);
    }

    static BitSet minus(BitSet from, BitSet taken) {
        BitSet rest = (BitSet) from.clone();
        rest.andNot(taken);
        return rest;
    }

    private static boolean sameKind(IndexedRows.Keys keys, Object constant) {
        return switch (keys) {
            case NONE -> false;
            case BOOL -> constant instanceof Boolean;
            case NUMBER -> constant instanceof Number;
            case STRING -> constant instanceof String;
        };
    }

    private static boolean orderable(IndexedRows.Keys keys, Object constant) {
        if (keys == IndexedRows.Keys.NUMBER && constant instanceof Number n) {
            return !(n instanceof Double d && d.isNaN()) && !(n instanceof Float f && f.isNaN());
        }
        return keys == IndexedRows.Keys.STRING && constant instanceof String;
    }
}
