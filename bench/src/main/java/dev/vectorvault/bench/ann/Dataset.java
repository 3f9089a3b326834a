package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;

/**
 * Stored vectors and query vectors of one benchmark data set; queries are never copies of stored vectors.
 *
 * @param name        short name, also the cache folder's name (a-z, 0-9, dashes)
 * @param description where the vectors come from, for the report
 * @param metric      the metric every engine searches with
 * @param base        stored vectors, row i has ordinal (and id) i
 * @param queries     query vectors
 */
record Dataset(String name, String description, MetricType metric, float[][] base, float[][] queries) {
    int dim() {
        return base[0].length;
    }

    /** A name that tells size and query count apart, so cached ground truth never matches another cut. */
    String cacheKey() {
        // The description names the source, seed and shape, so its hash tells two generator settings apart.
        return String.format(java.util.Locale.ROOT, "%s-%d-%d-%08x", name, base.length, queries.length,
                description.hashCode());
    }
}
