package dev.vectorvault.query.expr;

import java.util.List;
import java.util.Map;

/**
 * A value inside a JSON or array field, {@code field["a"][0]}. Like a JSON Pointer, each step is a key that
 * selects an object member, or an array element when it reads as a non-negative integer, so {@code j[0]} and
 * {@code j["0"]} are the same path. A step that finds nothing yields null.
 */
final class PathReference implements Operand {
    private final String field;
    private final String[] keys;
    private final int[] indexes; // the array index each key denotes, or -1 when it cannot denote one

    PathReference(String field, List<String> keys) {
        this.field = field;
        this.keys = keys.toArray(String[]::new);
        this.indexes = keys.stream().mapToInt(PathReference::arrayIndex).toArray();
    }

    @Override
    public Object evaluate(Row row) {
        Object value = row.value(field);
        for (int i = 0; i < keys.length && value != null; i++) {
            if (value instanceof Map<?, ?> object) {
                value = object.get(keys[i]);
            } else if (value instanceof List<?> array && indexes[i] >= 0 && indexes[i] < array.size()) {
                value = array.get(indexes[i]);
            } else {
                value = null;
            }
        }
        return value;
    }

    private static int arrayIndex(String key) {
        if (key.isEmpty() || key.length() > 9 || (key.length() > 1 && key.charAt(0) == '0')) {
            return -1; // JSON Pointer forbids leading zeros; nine digits keep the value within an int
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(key);
    }
}
