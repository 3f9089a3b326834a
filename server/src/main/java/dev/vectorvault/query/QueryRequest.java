package dev.vectorvault.query;

import java.util.List;
import java.util.Map;

/** A scalar query: filter, output fields, paging. {@code limit} ≤ 0 means none (only allowed with a filter). */
public record QueryRequest(
        String database,
        String collection,
        List<String> partitions,
        String filter,
        Map<String, Object> templates,
        List<String> outputFields,
        long limit,
        long offset) {}
