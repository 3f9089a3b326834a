package dev.vectorvault.server;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.IndexDefinition;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.MetricType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The v2 SDK's search iterator ({@code search_iter_v2=true}): every page is a search for the next
 * {@code search_iter_batch_size} hits strictly worse than {@code search_iter_last_bound}, expressed as a range
 * search. The token only has to be non-empty and stable; no cursor is kept on the server.
 */
record SearchIteration(String token, int batchSize, float lastBound, float radius, float rangeFilter) {

    /** Null when the request is not an iterator page. */
    static SearchIteration from(Map<String, String> params, Collection collection) {
        if (!"true".equalsIgnoreCase(params.getOrDefault("search_iter_v2", "false"))) {
            return null;
        }
        int batch = parseInt(params.getOrDefault("search_iter_batch_size", "0"), "search_iter_batch_size");
        if (batch <= 0) {
            throw MilvusException.invalidParameter("search_iter_batch_size must be positive");
        }
        String token = params.getOrDefault("search_iter_id", "");
        if (token.isEmpty()) {
            token = UUID.randomUUID().toString();
        }
        String bound = params.get("search_iter_last_bound");
        if (bound == null || bound.isBlank()) {
            return new SearchIteration(token, batch, Float.NaN, Float.NaN, Float.NaN);
        }
        float last;
        try {
            last = Float.parseFloat(bound.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter("search_iter_last_bound must be a number, got " + bound);
        }
        // An unindexed field has no metric; as before, its pages move like a similarity's.
        boolean higherIsBetter = metricOf(collection, params.getOrDefault("anns_field", ""))
                .map(MetricType::higherIsBetter).orElse(true);
        // L2 pages move to larger distances, IP/COSINE to smaller similarities; NaN leaves a side open.
        return higherIsBetter
                ? new SearchIteration(token, batch, last, Float.NaN, Math.nextDown(last))
                : new SearchIteration(token, batch, last, Float.NaN, Math.nextUp(last));
    }

    private static Optional<MetricType> metricOf(Collection collection, String annsField) {
        List<FieldSchema> vectors = collection.schema().vectorFields();
        String field = annsField.isEmpty() && vectors.size() == 1 ? vectors.get(0).name() : annsField;
        return collection.indexOnField(field).flatMap(IndexDefinition::metric);
    }

    private static int parseInt(String value, String key) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw MilvusException.invalidParameter(key + " must be an integer, got " + value);
        }
    }
}
