package dev.vectorvault.query.expr;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code phrase_match(field, 'phrase'[, slop])} for a phrase of two or more tokens (fewer behave as
 * {@code text_match}, as in Milvus). Slop is Milvus's (its tantivy fork's {@code PhraseScorer}): shift each
 * occurrence of the i-th phrase token by the token's distance to the phrase's last position, so that an exact
 * phrase puts every token on one shifted position; a row matches when one occurrence of every phrase token can be
 * picked with all the shifted positions within a window of width {@code slop}. Slop 0 is the exact phrase; with slop
 * 1 one extra token may sit anywhere inside the phrase; a swapped pair costs 2, as in Lucene. A null value is
 * UNKNOWN.
 */
record PhraseMatch(String field, FieldAnalyzer analyzer, List<FieldAnalyzer.Token> phrase, long slop)
        implements Condition {
    PhraseMatch {
        phrase = List.copyOf(phrase);
        if (phrase.size() < 2) {
            throw new IllegalArgumentException("a phrase has two or more tokens");
        }
    }

    @Override
    public Truth evaluate(Row row) {
        if (!(row.value(field) instanceof String text)) {
            return Truth.UNKNOWN;
        }
        Map<String, List<Integer>> positions = new HashMap<>();
        for (FieldAnalyzer.Token token : analyzer.tokens(text)) {
            positions.computeIfAbsent(token.term(), t -> new ArrayList<>()).add(token.position());
        }
        long[][] shifted = new long[phrase.size()][];
        for (int i = 0; i < phrase.size(); i++) {
            List<Integer> at = positions.get(phrase.get(i).term());
            if (at == null) {
                return Truth.FALSE;
            }
            shifted[i] = shift(at.stream().mapToInt(Integer::intValue).toArray(), i);
        }
        return Truth.of(PhraseWindow.exists(shifted, slop));
    }

    @Override
    public Selection select(IndexedRows rows) {
        TextIndex index = rows.text(field);
        if (index == null) {
            return null;
        }
        BitSet known = new BitSet(rows.rowCount());
        known.set(0, rows.rowCount());
        known.andNot(index.nulls());
        BitSet candidates = (BitSet) known.clone();
        for (FieldAnalyzer.Token token : phrase) {
            candidates.and(index.rowsWith(token.term()));
        }
        BitSet matching = new BitSet(rows.rowCount());
        long[][] shifted = new long[phrase.size()][];
        for (int r = candidates.nextSetBit(0); r >= 0; r = candidates.nextSetBit(r + 1)) {
            for (int i = 0; i < phrase.size(); i++) {
                shifted[i] = shift(index.positions(phrase.get(i).term(), r), i);
            }
            if (PhraseWindow.exists(shifted, slop)) {
                matching.set(r);
            }
        }
        return Selection.within(known, matching);
    }

    private long[] shift(int[] positions, int token) {
        long by = (long) phrase.get(phrase.size() - 1).position() - phrase.get(token).position();
        long[] out = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = positions[i] + by;
        }
        return out;
    }
}
