package dev.vectorvault.bench.fulltext;

/** One query's hits, best first: document ids (positions in the corpus) and their engine's scores. */
record Hits(long[] ids, float[] scores) {}
