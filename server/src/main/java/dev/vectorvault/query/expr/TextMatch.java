package dev.vectorvault.query.expr;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code text_match(field, 'query'[, minimum_should_match=N])}: TRUE for a row whose analyzed value holds at least
 * {@code minimumShouldMatch} of the query's tokens (1: any of them). As in Milvus (a tantivy boolean query with one
 * SHOULD clause per token), a token repeated in the query counts once per occurrence, and a query without tokens
 * matches nothing. A null value is UNKNOWN.
 */
record TextMatch(String field, FieldAnalyzer analyzer, List<String> queryTerms, int minimumShouldMatch)
        implements Condition {
    TextMatch {
        queryTerms = List.copyOf(queryTerms);
    }

    @Override
    public Truth evaluate(Row row) {
        if (!(row.value(field) instanceof String text)) {
            return Truth.UNKNOWN;
        }
        if (queryTerms.isEmpty()) {
            return Truth.FALSE;
        }
        Set<String> present = new HashSet<>();
        for (FieldAnalyzer.Token token : analyzer.tokens(text)) {
            present.add(token.term());
        }
        int matched = 0;
        for (String term : queryTerms) {
            if (present.contains(term)) {
                matched++;
            }
        }
        return Truth.of(matched >= minimumShouldMatch);
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
        BitSet matching = new BitSet(rows.rowCount());
        if (minimumShouldMatch <= 1) {
            for (String term : new HashSet<>(queryTerms)) {
                matching.or(index.rowsWith(term));
            }
        } else if (minimumShouldMatch <= queryTerms.size()) {
            int[] counts = new int[rows.rowCount()];
            for (String term : queryTerms) {
                BitSet with = index.rowsWith(term);
                for (int r = with.nextSetBit(0); r >= 0; r = with.nextSetBit(r + 1)) {
                    if (++counts[r] == minimumShouldMatch) {
                        matching.set(r);
                    }
                }
            }
        }
        matching.and(known);
        return Selection.within(known, matching);
    }
}
