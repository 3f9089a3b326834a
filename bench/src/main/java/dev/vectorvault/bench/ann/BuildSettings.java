package dev.vectorvault.bench.ann;

/**
 * Build parameters shared by every engine, so each graph has the same degree and construction beam and each inverted
 * file the same number of lists.
 *
 * @param m              HNSW {@code M}: links per node on the upper layers, {@code 2M} on the bottom layer
 * @param efConstruction construction beam (Lucene's {@code beamWidth}, JVector's {@code beamWidth})
 * @param nlist          IVF lists
 * @param threads        build threads
 * @param seed           seed for every randomised build step
 */
record BuildSettings(int m, int efConstruction, int nlist, int threads, long seed) {}
