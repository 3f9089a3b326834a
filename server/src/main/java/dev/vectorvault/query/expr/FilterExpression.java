package dev.vectorvault.query.expr;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Milvus boolean filter expression, parsed and type-checked against a {@link Schema} once and then evaluated
 * against any number of rows. Immutable and safe to share between threads.
 *
 * <p>Nulls follow SQL: a comparison, arithmetic, {@code in}, {@code like} or function involving a null field, a
 * missing or null JSON key, or a JSON value of the wrong type is unknown; unknown stays unknown under {@code not}
 * and a row matches only when the whole expression is true. Only {@code is null}, {@code is not null} and
 * {@code exists} test for null themselves.
 */
public final class FilterExpression {
    private static final FilterExpression ALWAYS_TRUE = new FilterExpression("", ConstantCondition.ALWAYS);

    private final String text;
    private final Condition root;

    private FilterExpression(String text, Condition root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Parses {@code text}, resolving names against {@code schema} and {@code {name}} placeholders against
     * {@code templateValues} (Long, Integer, Double, Float, Boolean, String or Lists of them; may be null when
     * there are none). A blank text is the empty filter, which matches every row.
     *
     * @throws ExpressionException for a syntax error, an unknown field, function or placeholder, or a type mismatch
     */
    public static FilterExpression parse(String text, Schema schema, Map<String, Object> templateValues) {
        return parse(text, schema, templateValues, ExpressionLimits.DEFAULTS);
    }

    /**
     * As {@link #parse(String, Schema, Map)}, refusing a filter that is longer, nests deeper or holds longer lists
     * than {@code limits} allows. Within the limits, parsing, compiling and evaluating recurse only per nesting
     * level, never per term of a flat chain.
     *
     * @throws ExpressionException also when the filter breaks one of the limits
     */
    public static FilterExpression parse(String text, Schema schema, Map<String, Object> templateValues,
                                         ExpressionLimits limits) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(limits, "limits");
        if (text.isBlank()) {
            return ALWAYS_TRUE;
        }
        return new FilterExpression(text, ExpressionCompiler.compile(text, schema,
                templateValues == null ? Map.of() : templateValues, limits));
    }

    /** The filter that matches every row, as the empty filter {@code ""} does. */
    public static FilterExpression alwaysTrue() {
        return ALWAYS_TRUE;
    }

    /** Whether {@code row} matches: the expression is true for it (not false, not unknown). */
    public boolean test(Row row) {
        return root.evaluate(row) == Truth.TRUE;
    }

    /**
     * When the whole expression is {@code pk in [..]} or {@code pk == v} (possibly OR-ed), the literal keys, in
     * order of first appearance without duplicates; else empty. Lets a caller look rows up by key instead of
     * scanning.
     */
    public Optional<List<Object>> exactKeys(String primaryKeyField) {
        Set<Object> keys = new LinkedHashSet<>();
        return root.collectKeys(primaryKeyField, keys) ? Optional.of(List.copyOf(keys)) : Optional.empty();
    }

    /**
     * The values {@code field} must hold for a row to match, when the expression pins it ({@code field == v},
     * {@code field in [..]}, combined with AND / OR); empty when any value could match.
     */
    public Optional<Set<Object>> pinnedValues(String field) {
        return Optional.ofNullable(root.pinnedValues(field));
    }

    /**
     * Milvus's check for a collection with {@code partitionkey.isolation}: the filter must pin the partition key with
     * {@code ==}, combined with other conditions through AND only. Returns Milvus's message when it does not.
     */
    public Optional<String> partitionKeyIsolationViolation(String keyField) {
        try {
            return root.pinsIsolatedKey(keyField) ? Optional.empty() : Optional.of("partition key not found in expr"
                    + " or the expr is invalid when validating partition key isolation");
        } catch (Condition.IsolationViolation violation) {
            return Optional.of(violation.getMessage());
        }
    }

    /**
     * The rows of one segment this filter's scalar indexes leave: exactly the matching rows when every part of the
     * filter is answered by an index, else a superset to test row by row; empty when the indexes narrow nothing (no
     * index on the fields it reads), so the segment is scanned. Deletions and partitions are not applied.
     */
    public Optional<RowSelection> select(IndexedRows rows) {
        Selection exact = root.select(rows);
        if (exact != null) {
            return Optional.of(new RowSelection(exact.trueRows(), true));
        }
        java.util.BitSet candidates = root.candidates(rows);
        return candidates == null ? Optional.empty() : Optional.of(new RowSelection(candidates, false));
    }

    /** The expression as written. */
    @Override
    public String toString() {
        return text;
    }
}
