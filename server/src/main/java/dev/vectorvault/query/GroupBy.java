package dev.vectorvault.query;

import dev.vectorvault.catalog.CollectionSchema;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.MilvusException;
import java.util.Map;

/**
 * A group-by search ({@code group_by_field}, {@code group_size}, {@code strict_group_size}), read as Milvus 2.6 reads
 * them: {@code limit} counts groups, {@code offset} skips groups, each group holds at most {@code groupSize} hits.
 * A strict search fills every returned group to {@code groupSize} hits when the data has them; a non-strict one may
 * return groups with fewer (it stops looking once it has enough groups).
 */
public record GroupBy(String field, int groupSize, boolean strict) {

    /**
     * The group-by of a search's parameters, or null when {@code group_by_field} is absent or empty (then
     * {@code group_size} and {@code strict_group_size} change nothing, as in Milvus). The keys are read at the top
     * level, where the SDKs put them, and inside the {@code params} JSON, where a user may put them: a key the server
     * did not read would give plain top-k, a wrong answer without an error.
     */
    public static GroupBy fromParams(Map<String, String> params, Map<String, String> nested) {
        String field = value(params, nested, "group_by_field");
        if (field == null || field.isBlank()) {
            return null;
        }
        String size = value(params, nested, "group_size");
        int groupSize = 1;
        if (size != null && !size.isBlank()) {
            try {
                groupSize = Integer.parseInt(size.trim());
            } catch (NumberFormatException e) {
                throw MilvusException.invalidParameter("failed to parse input group size:" + size);
            }
        }
        if (groupSize <= 0) {
            throw MilvusException.invalidParameter("input group size:" + groupSize
                    + " is negative, failed to do search_groupby");
        }
        String strict = value(params, nested, "strict_group_size");
        boolean strictGroupSize = false;
        if (strict != null && !strict.isBlank()) {
            if (!strict.trim().equalsIgnoreCase("true") && !strict.trim().equalsIgnoreCase("false")) {
                throw MilvusException.invalidParameter("failed to parse input strict group size:" + strict);
            }
            strictGroupSize = Boolean.parseBoolean(strict.trim());
        }
        return new GroupBy(field.trim(), groupSize, strictGroupSize);
    }

    private static String value(Map<String, String> params, Map<String, String> nested, String key) {
        String top = params.get(key);
        return top != null ? top : nested.get(key);
    }

    /** The size limit ({@code quotaAndLimits.limits.maxGroupSize}) and Milvus's message for a larger size. */
    void checkSize(int maxGroupSize) {
        if (groupSize > maxGroupSize) {
            throw MilvusException.invalidParameter("input group size:" + groupSize
                    + " exceeds configured max group size:" + maxGroupSize);
        }
    }

    /**
     * The schema field to group on. Bool, the integers and VarChar can be grouped (a null value is a group of its
     * own); Milvus's other refusals are kept. Milvus also groups on a JSON field (and on a dynamic-field key) with
     * {@code json_path}/{@code json_type}; this server refuses that explicitly rather than guess the cast rules.
     */
    FieldSchema resolve(CollectionSchema schema) {
        FieldSchema target = schema.field(field).orElse(null);
        if (target == null) {
            if (schema.enableDynamicField()) {
                throw MilvusException.invalidParameter("group by a key of the dynamic field is not supported:"
                        + " group_by_field=" + field);
            }
            throw MilvusException.invalidParameter("groupBy field not found in schema");
        }
        switch (target.dataType()) {
            case BOOL, INT8, INT16, INT32, INT64, VARCHAR -> {
                return target;
            }
            case JSON -> throw MilvusException.invalidParameter("group by a JSON field is not supported:"
                    + " group_by_field=" + field);
            default -> throw MilvusException.invalidParameter("unsupported data type " + wireName(target)
                    + " for group by operator");
        }
    }

    /** Milvus's name of a field's data type, as its messages spell it ("FloatVector", "BinaryVector", ...). */
    static String wireTypeName(FieldSchema field) {
        return wireName(field);
    }

    private static String wireName(FieldSchema field) {
        return switch (field.dataType()) {
            case FLOAT -> "Float";
            case DOUBLE -> "Double";
            case ARRAY -> "Array";
            case FLOAT_VECTOR -> "FloatVector";
            case SPARSE_FLOAT_VECTOR -> "SparseFloatVector";
            case BINARY_VECTOR -> "BinaryVector";
            case FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR -> field.dataType().encoding().wireName();
            default -> field.dataType().name();
        };
    }
}
