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
import dev.vectorvault.text.TextMatchIndex;
import java.util.BitSet;
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
            return FilterExpression.parse(filter, new ExpressionSchema(collection.loadedFields()),
                    templates == null ? Map.of() : templates, limits);
        } catch (ExpressionException e) {
            throw new MilvusException(ErrorCode.PARAMETER_INVALID, e.getMessage());
        }
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
                // Sealed segments' match indexes are built with the segment (storage.data's SegmentTextIndex); a
                // growing segment, or one whose index is not ready yet, is analysed row by row.
                TextMatchIndex index = f == null ? null : view.textMatchIndex(segment, f);
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
