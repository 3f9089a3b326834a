/**
 * Vector search over append-only in-memory vector columns: exact FLAT search, the HNSW graph and IVF_FLAT inverted
 * lists, SIMD distance kernels and top-k selection, and the checksummed files the ANN indexes persist to. Knows
 * nothing about segments, the catalog or the wire.
 */
package dev.vectorvault.index;
