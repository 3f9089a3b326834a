package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Real sentence embeddings for the COSINE runs: the 778 all-MiniLM-L6-v2 vectors (384-d, unit norm) shipped in the
 * npm package {@code @sap-ux/fiori-docs-embeddings} as {@code data/embeddings/embeddings.bin}, raw little-endian
 * float32 with no header (778 x 384 x 4 = 1,195,008 bytes; {@code metadata.json} next to it states the model and
 * dimension). {@code bin/bench-ann} fetches the package with {@code npm pack} into the cache folder.
 *
 * <p>Far too small to measure throughput; it is here to check that every engine gets COSINE right on real text
 * embeddings. The last {@code queryCount} vectors are the queries, the others are stored.
 */
final class MiniLmEmbeddings {
    static final String RELATIVE_FILE = "package/data/embeddings/embeddings.bin";
    static final int DIM = 384;

    private MiniLmEmbeddings() {}

    static Dataset load(Path packageRoot, int queryCount) throws IOException {
        Path file = packageRoot.resolve(RELATIVE_FILE);
        if (!Files.isReadable(file)) {
            throw new IOException(file + " not found (npm pack @sap-ux/fiori-docs-embeddings into "
                    + packageRoot + " and untar it)");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length % (DIM * 4) != 0) {
            throw new IOException(file + ": " + bytes.length + " bytes is not a whole number of 384-d vectors");
        }
        int count = bytes.length / (DIM * 4);
        float[][] all = new float[count][DIM];
        var floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (float[] row : all) {
            floats.get(row);
        }
        int queries = Math.min(queryCount, count / 5);
        return new Dataset("minilm", String.format(java.util.Locale.ROOT,
                "all-MiniLM-L6-v2 sentence embeddings (npm @sap-ux/fiori-docs-embeddings): %d stored, last %d as"
                        + " queries, 384-d, COSINE", count - queries, queries), MetricType.COSINE,
                Arrays.copyOfRange(all, 0, count - queries), Arrays.copyOfRange(all, count - queries, count));
    }
}
