package dev.vectorvault.query;

import dev.vectorvault.catalog.FieldSchema;
import java.util.List;

/**
 * Rows to send back, aligned with the schema's fields; only the returned fields and the primary key are filled in
 * (the rest are null). For a search,
 * {@code scores} and {@code perQuery} (hits per query, flattened in {@code rows}) are set; for a count query only
 * {@code count} is meaningful. For a group-by search, {@code groupValues} holds each row's group value (parallel to
 * {@code rows}) and {@code groupField} the field grouped on; both are null otherwise. {@code highlights} holds a
 * highlighted search's fragments, one entry per highlighted field (empty otherwise).
 */
public record ResultRows(OutputFields output, List<Object[]> rows, float[] scores, int[] perQuery, long count,
                         int primaryKeyField, FieldSchema groupField, List<Object> groupValues,
                         List<FieldHighlights> highlights) {

    public ResultRows {
        highlights = highlights == null ? List.of() : List.copyOf(highlights);
    }

    public ResultRows(OutputFields output, List<Object[]> rows, float[] scores, int[] perQuery, long count,
                      int primaryKeyField, FieldSchema groupField, List<Object> groupValues) {
        this(output, rows, scores, perQuery, count, primaryKeyField, groupField, groupValues, List.of());
    }

    public ResultRows(OutputFields output, List<Object[]> rows, float[] scores, int[] perQuery, long count,
                      int primaryKeyField) {
        this(output, rows, scores, perQuery, count, primaryKeyField, null, null);
    }
}
