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
import java.util.HashMap;
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

    /** A reusable row cursor: point it at (segment, ordinal), then let the expression read fields by name. */
    static final class RowCursor implements Row {
        private final CollectionView view;
        private final Map<String, Integer> fieldIndex = new HashMap<>();
        private int segment;
        private int ordinal;

        RowCursor(CollectionView view, List<FieldSchema> fields) {
            this.view = view;
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
    }
}
