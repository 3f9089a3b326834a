package dev.vectorvault.bench.ann;

import java.io.IOException;

/**
 * One in-process engine under test, behind the smallest surface the benchmark needs: build over a data set, answer
 * one query with the ids (= ordinals of the data set) of the best {@code k} hits, best first, for one value of its
 * search parameter. Every engine is driven by the same loop ({@link SweepRunner}), so differences in the figures are
 * differences in the engines.
 */
interface AnnEngine extends AutoCloseable {
    /** Engine name as the report shows it, e.g. {@code "VectorVault HNSW"}. */
    String name();

    /** Which sweep it takes: a graph index sweeps the beam {@code ef}, an inverted-file index {@code nprobe}. */
    Kind kind();

    /** Builds the index over {@code data.base()} with {@code threads} threads; the caller times it. */
    void build(Dataset data, BuildSettings settings) throws IOException;

    /** The ids of the best {@code k} stored vectors for {@code query}, best first. */
    int[] search(float[] query, int k, int parameter) throws IOException;

    /** What the built index holds, vectors included, in bytes; see each engine for how it is counted. */
    long memoryBytes();

    /** How {@link #memoryBytes()} is counted, for the report. */
    String memoryNote();

    @Override
    void close() throws IOException;

    enum Kind {
        GRAPH("ef"), IVF("nprobe");

        final String parameter;

        Kind(String parameter) {
            this.parameter = parameter;
        }
    }
}
