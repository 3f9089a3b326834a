package dev.vectorvault.query;

import java.util.List;
import java.util.Map;

/**
 * Entities to write, by column as they arrive from the wire: field name → one value per row (null where the
 * client sent none for a nullable field), plus the dynamic keys of each row when the client sent any. Values are
 * Boolean, Long (all integer widths), Double (float and double), String, float[] (vectors), List (arrays) and
 * JSON as {@link dev.vectorvault.common.JsonValues} objects.
 */
public record ColumnBatch(int rowCount, Map<String, List<Object>> columns, List<Map<String, Object>> dynamicRows) {
    public ColumnBatch {
        columns = Map.copyOf(columns);
        dynamicRows = dynamicRows == null ? null : List.copyOf(dynamicRows);
    }
}
