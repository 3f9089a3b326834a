/**
 * Full-text search: Milvus's analyzers ({@code analyzer_params}) built from Lucene's analysis modules, the term ids
 * Milvus gives tokens, the BM25 function's document vectors and the BM25 score. Lucene types stay in this package.
 * Depends only on {@code index} (sparse vectors, hits) and {@code common}.
 */
package dev.vectorvault.text;
