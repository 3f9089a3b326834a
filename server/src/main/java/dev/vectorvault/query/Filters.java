package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.expr.ExpressionException;
import dev.vectorvault.query.expr.ExpressionLimits;
import dev.vectorvault.query.expr.FilterExpression;
import dev.vectorvault.query.expr.Row;
import dev.vectorvault.storage.data.CollectionView;
import dev.vectorvault.index.ScalarIndex;
import dev.vectorvault.query.expr.IndexedRows;
import dev.vectorvault.query.expr.RowSelection;
import dev.vectorvault.query.expr.TextIndex;
import dev.vectorvault.text.TextAnalyzer;
import dev.vectorvault.text.TextMatchIndex;
import java.util.BitSet;
import java.util.Collections;
import java.util.WeakHashMap;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.List;
import java.util.Map;

/** Parses filters against a collection and evaluates them on stored rows. */
final class Filters {
    private Filters() {}

    /** Parses {@code filter} within {@code limits}; any problem, a broken limit included, is PARAMETER_INVALID (1100). */
    static FilterExpression parse(Collection collection, String filter, Map<String, Object> templates,
                                  ExpressionLimits limits) {
        if (filter == null || filter.isBlank()) {
            return FilterExpression.alwaysTrue();
        }
        try {
            return FilterExpression.parse(filter, new ExpressionSchema(collection.schema()),
                    templates == null ? Map.of() : templates, limits);
        } catch (ExpressionException e) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, e.getMessage());
        }
    }

    /**
     * The term indexes of text fields with {@code enable_match}, per sealed segment (by {@link
     * CollectionView#sealedRows}) and field position, built on first use from the segment's rows and dropped with the
     * segment (weak keys). A growing segment is scanned instead.
     */
    private static final Map<Object, TextMatchIndex[]> TEXT_INDEXES = Collections.synchronizedMap(new WeakHashMap<>());

    static TextMatchIndex textIndex(CollectionView view, int segment, int field, FieldSchema schema) {
        Object rows = view.sealedRows(segment);
        if (rows == null || !schema.enableMatch()) {
            return null;
        }
        TextMatchIndex[] byField;
        synchronized (TEXT_INDEXES) {
            byField = TEXT_INDEXES.computeIfAbsent(rows, r -> new TextMatchIndex[field + 1]);
            if (byField.length <= field) {
                byField = java.util.Arrays.copyOf(byField, field + 1);
                TEXT_INDEXES.put(rows, byField);
            }
            if (byField[field] != null) {
                return byField[field];
            }
        }
        // Built outside the lock: two first queries may both build it, and either result is the same.
        TextMatchIndex built = TextMatchIndex.build(TextAnalyzer.fromParams(schema.analyzerParams()),
                view.segmentSize(segment), ordinal -> view.value(segment, field, ordinal));
        synchronized (TEXT_INDEXES) {
            TextMatchIndex[] current = TEXT_INDEXES.get(rows);
            if (current != null && current.length > field && current[field] == null) {
                current[field] = built;
            }
        }
        return built;
    }

    /** A reusable row cursor: point it at (segment, ordinal), then let the expression read fields by name. */
    static final class RowCursor implements Row {
        private final CollectionView view;
        private final Map<String, Integer> fieldIndex = new HashMap<>();
        private final List<FieldSchema> fields;
        private int segment;
        private int ordinal;

        RowCursor(CollectionView view, List<FieldSchema> fields) {
            this.view = view;
            this.fields = fields;
            for (int f = 0; f < fields.size(); f++) {
                fieldIndex.put(fields.get(f).name(), f);
            }
        }

        RowCursor at(int segment, int ordinal) {
            this.segment = segment;
            this.ordinal = ordinal;
            return this;
        }

        @Override
        public Object value(String field) {
            Integer index = fieldIndex.get(field);
            return index == null ? null : view.value(segment, index, ordinal);
        }

        /**
         * The rows of segment {@code segment} that {@code filter}'s scalar indexes leave there (see
         * {@link FilterExpression#select}); empty when the segment has to be scanned.
         */
        Optional<RowSelection> select(FilterExpression filter, int segment) {
            if (filter == FilterExpression.alwaysTrue()) {
                return Optional.empty();
            }
            return filter.select(new SegmentIndexes(segment));
        }

        /** One segment's finished scalar indexes, for a filter to ask. */
        private final class SegmentIndexes implements IndexedRows {
            private final int segment;

            SegmentIndexes(int segment) {
                this.segment = segment;
            }

            @Override
            public int rowCount() {
                return view.segmentSize(segment);
            }

            @Override
            public TextIndex text(String field) {
                Integer f = fieldIndex.get(field);
                TextMatchIndex index = f == null ? null : textIndex(view, segment, f, fields.get(f));
                if (index == null || index.rows() != view.segmentSize(segment)) {
                    return null;
                }
                return new TextIndex() {
                    @Override
                    public BitSet nulls() {
                        return index.nulls();
                    }

                    @Override
                    public BitSet rowsWith(String term) {
                        return index.rowsWith(term);
                    }

                    @Override
                    public int[] positions(String term, int row) {
                        return index.positions(term, row);
                    }
                };
            }

            @Override
            public FieldIndex field(String field) {
                Integer f = fieldIndex.get(field);
                ScalarIndex index = f == null ? null : view.scalarIndex(segment, f);
                // An index over another number of rows (never expected) or over unordered values answers nothing.
                if (index == null || !index.ordered() || index.rows() != view.segmentSize(segment)) {
                    return null;
                }
                return new FieldIndex() {
                    @Override
                    public Keys keys() {
                        return switch (index.family()) {
                            case NONE -> Keys.NONE;
                            case BOOL -> Keys.BOOL;
                            case LONG, DOUBLE -> Keys.NUMBER;
                            case STRING -> Keys.STRING;
                        };
                    }

                    @Override
                    public boolean arrayElements() {
                        return index.arrayElements();
                    }

                    @Override
                    public BitSet nulls() {
                        return index.nulls();
                    }

                    @Override
                    public BitSet rowsWhere(ToIntFunction<Object> position) {
                        return index.rowsWhere(position);
                    }
                };
            }
        }
    }
}
