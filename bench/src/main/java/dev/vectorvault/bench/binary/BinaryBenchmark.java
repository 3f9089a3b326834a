package dev.vectorvault.bench.binary;

import dev.vectorvault.index.BinaryColumn;
import dev.vectorvault.index.BinaryIvfIndex;
import dev.vectorvault.index.BuildProgress;
import dev.vectorvault.index.IndexParams;
import dev.vectorvault.index.IvfParams;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.OrdinalFilter;
import dev.vectorvault.index.SearchHit;
import java.util.List;
import java.util.Random;

/**
 * Binary vectors: BIN_FLAT (exact popcount scan) against BIN_IVF_FLAT at several {@code nprobe}, HAMMING, one thread,
 * k = 10, on a synthetic clustered corpus generated from a seed (binary codes around random centres with 15% of the
 * bits flipped; nothing is fetched). Prints build time, q/s, recall@10 against BIN_FLAT (a hit at the tenth exact
 * distance or nearer counts: ties are equally right) and bytes per vector.
 *
 * <pre>java -cp vectorvault-bench.jar dev.vectorvault.bench.binary.BinaryBenchmark [rows] [queries] [dim] [nlist] [seed]</pre>
 * With {@code -Dbinary.dump=FILE} the corpus and queries are also written to FILE (packed rows, then the queries) for
 * {@code bin/bench-binary-faiss}, which runs FAISS's IndexBinaryFlat and IndexBinaryIVF on the same bytes.
 */
public final class BinaryBenchmark {
    private static final int K = 10;
    private static final int CENTRES = 1000;

    private BinaryBenchmark() {}

    private static byte[] near(Random random, byte[] centre) {
        byte[] row = centre.clone();
        for (int i = 0; i < row.length * 8; i++) {
            if (random.nextDouble() < 0.15) {
                row[i / 8] ^= (byte) (1 << (i % 8));
            }
        }
        return row;
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int nlist = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
        Random random = new Random(seed);
        byte[][] centres = new byte[CENTRES][dim / 8];
        for (byte[] c : centres) {
            random.nextBytes(c);
        }
        BinaryColumn column = new BinaryColumn(dim);
        for (int r = 0; r < rows; r++) {
            column.append(near(random, centres[random.nextInt(CENTRES)]));
        }
        byte[][] qs = new byte[queries][];
        for (int q = 0; q < queries; q++) {
            qs[q] = near(random, centres[random.nextInt(CENTRES)]);
        }
        String dump = System.getProperty("binary.dump");
        if (dump != null) {
            // The same corpus for bin/bench-binary-faiss: rows then queries, packed bytes back to back.
            try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(
                    java.nio.file.Path.of(dump)))) {
                for (int r = 0; r < rows; r++) {
                    out.write(column.get(r));
                }
                for (byte[] q : qs) {
                    out.write(q);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        System.out.printf("corpus: %,d binary vectors of %d bits (%d bytes each, %,d bytes in all), %d clustered"
                + " queries, HAMMING, k=%d, seed %d, 1 thread%n", rows, dim, dim / 8, column.memoryBytes(), queries,
                K, seed);
        float[] tenth = new float[queries];
        long start = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            start = System.nanoTime();
            for (int q = 0; q < queries; q++) {
                List<SearchHit> hits = column.search(qs[q], MetricType.HAMMING, K, rows, OrdinalFilter.ACCEPT_ALL,
                        Float.NaN, Float.NaN);
                tenth[q] = hits.get(hits.size() - 1).score();
            }
        }
        double exactQps = queries / ((System.nanoTime() - start) / 1e9);
        System.out.printf("%-28s %10s %10s %8s %14s%n", "engine", "build s", "q/s", "recall", "extra B/vector");
        System.out.printf("%-28s %10s %10.1f %8.3f %14d%n", "BIN_FLAT", "-", exactQps, 1.0, 0);
        long buildStart = System.nanoTime();
        BinaryIvfIndex ivf = BinaryIvfIndex.build(column, MetricType.HAMMING, new IvfParams(nlist,
                IndexParams.DEFAULT_SEED), 1, BuildProgress.NONE);
        double build = (System.nanoTime() - buildStart) / 1e9;
        for (int nprobe : new int[] {1, 4, 16, 64}) {
            int found = 0;
            for (int round = 0; round < 2; round++) {
                found = 0;
                start = System.nanoTime();
                for (int q = 0; q < queries; q++) {
                    for (SearchHit h : ivf.search(qs[q], K, nprobe, OrdinalFilter.ACCEPT_ALL)) {
                        found += h.score() <= tenth[q] ? 1 : 0;
                    }
                }
            }
            double qps = queries / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%-28s %10.1f %10.1f %8.3f %14.1f%n", "BIN_IVF_FLAT nlist " + nlist + " nprobe "
                    + nprobe, build, qps, found / (double) (K * queries), (double) ivf.memoryBytes() / rows);
        }
    }
}
