package dev.vectorvault.query;

import java.util.List;

/**
 * One highlighted field of a search's answer: per hit, in result order across all queries, its fragments (none when
 * the hit's text holds no highlighted term).
 */
public record FieldHighlights(String field, List<List<String>> fragments) {
    public FieldHighlights {
        fragments = List.copyOf(fragments);
    }
}
