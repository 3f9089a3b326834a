/**
 * Vector search over append-only in-memory vector columns: the metrics ({@link dev.vectorvault.index.MetricType}), the
 * index kinds behind one interface ({@link dev.vectorvault.index.IndexKind}, registered in
 * {@link dev.vectorvault.index.IndexKinds}: exact FLAT search, the HNSW graph, IVF_FLAT inverted lists), SIMD distance
 * kernels and top-k selection, and the checksummed files the ANN indexes persist to. Indexes search the column's own
 * vectors and keep no copy. Knows nothing about segments, the catalog or the wire.
 */
package dev.vectorvault.index;
