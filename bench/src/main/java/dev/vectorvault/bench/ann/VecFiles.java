package dev.vectorvault.bench.ann;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .fvecs} / {@code .ivecs} files of the ANN benchmark world (TEXMEX, ann-benchmarks, FAISS): per row a
 * little-endian int32 dimension followed by that many float32 or int32 values. They are how vectors, ground truth and
 * the native peers' answers travel between this JVM and the Python process. Writes go to a temporary file that is
 * then renamed, so an interrupted run never leaves a truncated file in the cache.
 */
final class VecFiles {
    private VecFiles() {}

    static void writeFloats(Path file, float[][] rows) throws IOException {
        write(file, rows.length, (out, buffer) -> {
            for (float[] row : rows) {
                buffer.clear();
                buffer.putInt(row.length);
                for (float value : row) {
                    buffer.putFloat(value);
                }
                out.write(buffer.array(), 0, buffer.position());
            }
        }, rows.length == 0 ? 0 : rows[0].length);
    }

    static void writeInts(Path file, int[][] rows) throws IOException {
        write(file, rows.length, (out, buffer) -> {
            for (int[] row : rows) {
                buffer.clear();
                buffer.putInt(row.length);
                for (int value : row) {
                    buffer.putInt(value);
                }
                out.write(buffer.array(), 0, buffer.position());
            }
        }, rows.length == 0 ? 0 : rows[0].length);
    }

    static float[][] readFloats(Path file) throws IOException {
        List<float[]> rows = new ArrayList<>();
        try (DataInputStream in = open(file)) {
            int dim;
            while ((dim = readDim(in, file)) >= 0) {
                byte[] bytes = in.readNBytes(dim * 4);
                requireFull(bytes.length, dim * 4, file);
                float[] row = new float[dim];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
                rows.add(row);
            }
        }
        return rows.toArray(new float[0][]);
    }

    static int[][] readInts(Path file) throws IOException {
        List<int[]> rows = new ArrayList<>();
        try (DataInputStream in = open(file)) {
            int dim;
            while ((dim = readDim(in, file)) >= 0) {
                byte[] bytes = in.readNBytes(dim * 4);
                requireFull(bytes.length, dim * 4, file);
                int[] row = new int[dim];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(row);
                rows.add(row);
            }
        }
        return rows.toArray(new int[0][]);
    }

    private interface RowWriter {
        void write(OutputStream out, ByteBuffer buffer) throws IOException;
    }

    private static void write(Path file, int rows, RowWriter writer, int dim) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            writer.write(out, buffer);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20));
    }

    /** The next row's dimension, or -1 at a clean end of file. */
    private static int readDim(DataInputStream in, Path file) throws IOException {
        byte[] bytes = in.readNBytes(4);
        if (bytes.length == 0) {
            return -1;
        }
        requireFull(bytes.length, 4, file);
        int dim = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dim < 0 || dim > 1 << 16) {
            throw new IOException(file + ": implausible row dimension " + dim);
        }
        return dim;
    }

    private static void requireFull(int got, int wanted, Path file) throws IOException {
        if (got != wanted) {
            throw new IOException(file + ": truncated row (" + got + " of " + wanted + " bytes)");
        }
    }
}
