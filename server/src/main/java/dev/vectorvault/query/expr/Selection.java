package dev.vectorvault.query.expr;

import java.util.BitSet;

/**
 * A condition's exact answer over one segment's rows in three-valued logic: the rows where it is TRUE and those where
 * it is FALSE; every other row is UNKNOWN. Combined by AND, OR and NOT as the row-by-row evaluation would.
 */
record Selection(BitSet trueRows, BitSet falseRows) {
    static Selection all(int rows, Truth truth) {
        BitSet all = new BitSet(rows);
        all.set(0, rows);
        return switch (truth) {
            case TRUE -> new Selection(all, new BitSet(rows));
            case FALSE -> new Selection(new BitSet(rows), all);
            case UNKNOWN -> new Selection(new BitSet(rows), new BitSet(rows));
        };
    }

    /** TRUE on {@code trueRows}, FALSE on the other rows of {@code known}, UNKNOWN elsewhere. */
    static Selection within(BitSet known, BitSet trueRows) {
        BitSet falseRows = (BitSet) known.clone();
        falseRows.andNot(trueRows);
        return new Selection(trueRows, falseRows);
    }

    Selection not() {
        return new Selection(falseRows, trueRows);
    }

    Selection and(Selection other) {
        BitSet t = (BitSet) trueRows.clone();
        t.and(other.trueRows);
        BitSet f = (BitSet) falseRows.clone();
        f.or(other.falseRows);
        return new Selection(t, f);
    }

    Selection or(Selection other) {
        BitSet t = (BitSet) trueRows.clone();
        t.or(other.trueRows);
        BitSet f = (BitSet) falseRows.clone();
        f.and(other.falseRows);
        return new Selection(t, f);
    }
}
