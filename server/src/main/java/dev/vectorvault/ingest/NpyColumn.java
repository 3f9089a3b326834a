package dev.vectorvault.ingest;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NumPy {@code .npy} file read row by row: the header (format versions 1 to 3) gives the element type, the shape
 * and the order; the rows stream from the file, one batch at a time. Types taken, as Milvus's NumPy reader takes them
 * (little-endian or single-byte only): {@code b1} bool, {@code i1 i2 i4 i8} integers, {@code f4 f8} floats (one
 * value per row, or a row of {@code dim} values for a vector), {@code u1} bytes (a binary vector's packed bits per
 * row), {@code U<n>} fixed-width strings (VarChar, and JSON as text).
 */
public final class NpyColumn implements AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final String file;
    private final DataInputStream in;
    private final char kind;
    private final int itemSize;
    private final long rows;
    private final int width;
    private long rowsRead;

    public NpyColumn(InputStream raw, String file) {
        this.file = file;
        this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        try {
            byte[] magic = new byte[6];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw failed("not a NumPy .npy file (bad magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long headerLength = major == 1 ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
                    : Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            if (major < 1 || major > 3 || headerLength > 65_536) {
                throw failed("unsupported .npy format version " + major);
            }
            byte[] header = new byte[(int) headerLength];
            in.readFully(header);
            String dict = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher descr = DESCR.matcher(dict);
            Matcher order = ORDER.matcher(dict);
            Matcher shape = SHAPE.matcher(dict);
            if (!descr.find() || !order.find() || !shape.find()) {
                throw failed("the header lacks descr, fortran_order or shape");
            }
            if (descr.group(1).equals(">")) {
                throw failed("big-endian data is not supported; save the array little-endian");
            }
            if (order.group(1).equals("True")) {
                throw failed("Fortran-ordered arrays are not supported; save the array in C order");
            }
            kind = descr.group(2).charAt(0);
            itemSize = Integer.parseInt(descr.group(3));
            List<Long> dims = new ArrayList<>();
            for (String d : shape.group(1).split(",")) {
                if (!d.isBlank()) {
                    dims.add(Long.parseLong(d.trim()));
                }
            }
            if (dims.isEmpty() || dims.size() > 2) {
                throw failed("expected a 1-dimensional or 2-dimensional array, got shape (" + shape.group(1) + ")");
            }
            rows = dims.get(0);
            width = dims.size() == 2 ? Math.toIntExact(dims.get(1)) : 0;
            if (!supported()) {
                throw failed("unsupported element type '" + descr.group(1) + kind + itemSize + "'");
            }
        } catch (IOException | NumberFormatException | ArithmeticException e) {
            throw failed("unreadable header: " + e.getMessage());
        }
    }

    private boolean supported() {
        return switch (kind) {
            case 'b' -> itemSize == 1;
            case 'i' -> itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8;
            case 'u' -> itemSize == 1;
            case 'f' -> itemSize == 4 || itemSize == 8;
            case 'U' -> itemSize > 0 && width == 0;
            default -> false;
        };
    }

    /** The element type as NumPy writes it ({@code f4}, {@code i8}, {@code U}, ...), for type checks and messages. */
    public String type() {
        return kind == 'U' ? "U" : String.valueOf(kind) + itemSize;
    }

    public long rows() {
        return rows;
    }

    /** Values per row of a 2-dimensional array; 0 for one value per row. */
    public int width() {
        return width;
    }

    /** Bytes one row takes in the file. */
    public long rowBytes() {
        return (long) Math.max(1, width) * (kind == 'U' ? 4L * itemSize : itemSize);
    }

    /**
     * The next {@code count} rows: Boolean, Long or Double per row for one value per row; float[] (f4), double[]
     * (f8), long[] (integers) or byte[] (u1) per row for two dimensions; String for {@code U}.
     */
    public List<Object> next(int count) {
        List<Object> out = new ArrayList<>(count);
        try {
            for (int r = 0; r < count && rowsRead < rows; r++, rowsRead++) {
                out.add(width == 0 ? scalar() : row());
            }
        } catch (EOFException e) {
            throw failed("the file ends before its " + rows + " rows (at row " + (rowsRead + 1) + ")");
        } catch (IOException e) {
            throw failed("read failed: " + e.getMessage());
        }
        return out;
    }

    private Object scalar() throws IOException {
        byte[] bytes = new byte[kind == 'U' ? 4 * itemSize : itemSize];
        in.readFully(bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return switch (kind) {
            case 'b' -> bytes[0] != 0;
            case 'i' -> integer(b);
            case 'u' -> (long) (bytes[0] & 0xff);
            case 'f' -> itemSize == 4 ? (double) b.getFloat() : b.getDouble();
            default -> text(b);
        };
    }

    private Object row() throws IOException {
        byte[] bytes = new byte[(int) rowBytes()];
        in.readFully(bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case 'f' -> {
                if (itemSize == 4) {
                    float[] v = new float[width];
                    b.asFloatBuffer().get(v);
                    return v;
                }
                double[] v = new double[width];
                b.asDoubleBuffer().get(v);
                return v;
            }
            case 'u' -> {
                return bytes;
            }
            default -> {
                long[] v = new long[width];
                for (int i = 0; i < width; i++) {
                    v[i] = kind == 'b' ? b.get() : integer(b);
                }
                return v;
            }
        }
    }

    private long integer(ByteBuffer b) {
        return switch (itemSize) {
            case 1 -> b.get();
            case 2 -> b.getShort();
            case 4 -> b.getInt();
            default -> b.getLong();
        };
    }

    /** NumPy's U strings: UTF-32LE code points, padded with zeros to the fixed width. */
    private static String text(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        while (b.remaining() >= 4) {
            int cp = b.getInt();
            if (cp == 0) {
                break;
            }
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    private MilvusException failed(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, "invalid NumPy file " + file + ": " + why);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }
}
