package dev.vectorvault.query;

import java.util.List;

/**
 * Rows to send back, aligned with the schema's fields; only the returned fields and the primary key are filled in
 * (the rest are null). For a search,
 * {@code scores} and {@code perQuery} (hits per query, flattened in {@code rows}) are set; for a count query only
 * {@code count} is meaningful.
 */
public record ResultRows(OutputFields output, List<Object[]> rows, float[] scores, int[] perQuery, long count,
                         int primaryKeyField) {}
