/**
 * The ANN benchmark ({@code bin/bench-ann}): our HNSW and IVF_FLAT indexes against Lucene, JVector, hnswlib and
 * FAISS on the same data, the same k and the same thread count, in one run; recall@10 against queries per second
 * over a sweep of each engine's search parameter, build time and memory, then end-to-end through gRPC.
 */
package dev.vectorvault.bench.ann;
