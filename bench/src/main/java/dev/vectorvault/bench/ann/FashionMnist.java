package dev.vectorvault.bench.ann;

import dev.vectorvault.index.MetricType;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from the Debian package {@code dataset-fashion-mnist} ({@code bin/bench-ann} installs it): 60,000
 * training images as stored vectors and the 10,000 test images as queries, 28 x 28 = 784 pixels (0-255) each, L2.
 * This is the data of ann-benchmarks' {@code fashion-mnist-784-euclidean}, so published curves are comparable.
 *
 * <p>The files are gzipped IDX: a big-endian header (magic {@code 0x00000803} for unsigned-byte images, then the
 * count, rows and columns) followed by one byte per pixel.
 */
final class FashionMnist {
    static final Path DEFAULT_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int IMAGES_MAGIC = 0x00000803;

    private FashionMnist() {}

    /** The first {@code baseCount} training images and the first {@code queryCount} test images. */
    static Dataset load(Path folder, int baseCount, int queryCount) throws IOException {
        Path train = folder.resolve("train-images-idx3-ubyte.gz");
        Path test = folder.resolve("t10k-images-idx3-ubyte.gz");
        if (!Files.isReadable(train) || !Files.isReadable(test)) {
            throw new IOException("Fashion-MNIST not found under " + folder
                    + " (apt-get install dataset-fashion-mnist)");
        }
        float[][] base = images(train, baseCount);
        float[][] queries = images(test, queryCount);
        return new Dataset("fashion-mnist", String.format(java.util.Locale.ROOT,
                "Fashion-MNIST (Debian dataset-fashion-mnist): %,d train images stored, %,d test images as queries,"
                        + " 784-d pixels 0-255", base.length, queries.length), MetricType.L2, base, queries);
    }

    private static float[][] images(Path file, int limit) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16))) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + ": not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int count = Math.min(limit, in.readInt());
            int dim = in.readInt() * in.readInt();
            float[][] out = new float[count][dim];
            byte[] pixels = new byte[dim];
            for (int i = 0; i < count; i++) {
                in.readFully(pixels);
                for (int d = 0; d < dim; d++) {
                    out[i][d] = pixels[d] & 0xFF;
                }
            }
            return out;
        }
    }
}
