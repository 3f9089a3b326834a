package dev.vectorvault.index;

import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.Frame;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The scalar index of one sealed segment's field: its distinct non-null values in sorted order, each with the
 * ascending ordinals of the rows holding it (for an array field: the rows whose array holds that element), and the
 * rows whose value is null. Answers "which rows hold a value in this key range" as a row bit set, so equality,
 * {@code in}, ranges and string prefixes cost the size of the answer, not of the segment. Immutable and thread-safe.
 *
 * <p>Order: numbers by value (all keys of one field are integral or all floating point; -0.0 is stored as 0.0 since
 * the two are equal in filters), strings by code point, {@code false} before {@code true}. A segment holding NaN has
 * no order over its values, so its index says it is not {@linkplain #ordered() ordered} and filters scan it.
 *
 * <h2>File format, version 1</h2>
 * The common {@link Frame} (format name {@value #FORMAT}, version 1, CRC32C footer) around a little-endian body:
 * <pre>
 *   u8   type (ordinal of {@link ScalarIndexType}: 0 STL_SORT, 1 INVERTED, 2 BITMAP)
 *   i32  rows of the segment
 *   u8   1 when the keys are array elements
 *   u8   key family: 0 none (no keys), 1 bool, 2 long, 3 double, 4 string
 *   u8   1 when ordered
 *   i32  key count k, then k keys (bool: u8; long: i64; double: f64; string: i32 byte length + UTF-8 bytes)
 *   i32  k + 1 posting starts (the first 0, ascending), then starts[k] ordinals
 *   i32  null count n, then n ordinals
 * </pre>
 */
public final class ScalarIndex {
    public static final int FILE_VERSION = 1;
    static final String FORMAT = "vectorvault-scalar-index";

    /** What the keys are; a filter asks the index only about constants of the same family. */
    public enum KeyFamily { NONE, BOOL, LONG, DOUBLE, STRING }

    private static final Comparator<Object> ORDER = ScalarIndex::compareKeys;

    private final ScalarIndexType type;
    private final int rows;
    private final boolean arrayElements;
    private final KeyFamily family;
    private final boolean ordered;
    private final Object[] keys;
    private final int[] starts;
    private final int[] postings;
    private final BitSet nulls;

    private ScalarIndex(ScalarIndexType type, int rows, boolean arrayElements, KeyFamily family, boolean ordered,
                        Object[] keys, int[] starts, int[] postings, BitSet nulls) {
        this.type = type;
        this.rows = rows;
        this.arrayElements = arrayElements;
        this.family = family;
        this.ordered = ordered;
        this.keys = keys;
        this.starts = starts;
        this.postings = postings;
        this.nulls = nulls;
    }

    /**
     * Builds over one segment's values: Boolean, Long (or another integral Number), Double (or Float), String, or
     * for an array field Lists of those; null for a null value.
     */
    public static ScalarIndex build(ScalarIndexType type, List<?> values, boolean arrayElements) {
        int rows = values.size();
        BitSet nulls = new BitSet(rows);
        List<Object> keyOf = new ArrayList<>();
        int[] ordinals = new int[Math.max(16, rows)];
        int count = 0;
        boolean ordered = true;
        for (int row = 0; row < rows; row++) {
            Object value = values.get(row);
            if (value == null) {
                nulls.set(row);
                continue;
            }
            List<?> elements = arrayElements ? (List<?>) value : List.of(value);
            for (Object element : elements) {
                Object key = normalize(element);
                if (key == null) {
                    ordered = false; // an element the index cannot place (NaN, a null element, a nested value)
                    continue;
                }
                if (count == ordinals.length) {
                    ordinals = Arrays.copyOf(ordinals, count * 2);
                }
                ordinals[count++] = row;
                keyOf.add(key);
            }
        }
        KeyFamily family = KeyFamily.NONE;
        for (Object key : keyOf) {
            KeyFamily f = familyOf(key);
            if (family == KeyFamily.NONE) {
                family = f;
            } else if (family != f) {
                ordered = false; // mixed kinds (never from a typed field): no single order
                break;
            }
        }
        if (!ordered) {
            return new ScalarIndex(type, rows, arrayElements, family, false, new Object[0], new int[] {0},
                    new int[0], nulls);
        }
        // Stable: ordinals of equal keys stay ascending.
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> compareKeys(keyOf.get(a), keyOf.get(b)));
        List<Object> distinct = new ArrayList<>();
        int[] startList = new int[16];
        int[] postingList = new int[count];
        int postingCount = 0;
        Object previous = null;
        int lastOrdinal = -1;
        for (Integer i : order) {
            Object key = keyOf.get(i);
            int row = ordinals[i];
            if (previous == null || compareKeys(previous, key) != 0) {
                if (distinct.size() + 1 >= startList.length) {
                    startList = Arrays.copyOf(startList, startList.length * 2);
                }
                startList[distinct.size()] = postingCount;
                distinct.add(key);
                previous = key;
                lastOrdinal = -1;
            }
            if (row != lastOrdinal) { // an array holding the element twice is one row
                postingList[postingCount++] = row;
                lastOrdinal = row;
            }
        }
        startList[distinct.size()] = postingCount;
        return new ScalarIndex(type, rows, arrayElements, family, true, distinct.toArray(),
                Arrays.copyOf(startList, distinct.size() + 1), Arrays.copyOf(postingList, postingCount), nulls);
    }

    private static Object normalize(Object value) {
        if (value instanceof Long || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isNaN(d) ? null : d == 0 ? 0.0 : d;
        }
        return null;
    }

    private static KeyFamily familyOf(Object key) {
        return key instanceof Boolean ? KeyFamily.BOOL : key instanceof Long ? KeyFamily.LONG
                : key instanceof Double ? KeyFamily.DOUBLE : KeyFamily.STRING;
    }

    private static int compareKeys(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        int order = ((Comparable) a).compareTo(b);
        return order;
    }

    // Code point order, which differs from String.compareTo only where surrogates meet U+E000..U+FFFF.
    private static int compareCodePoints(String a, String b) {
        int shared = Math.min(a.length(), b.length());
        for (int i = 0; i < shared; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(rank(x), rank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static int rank(char c) {
        return Character.isSurrogate(c) ? c + 0x2000 : c >= 0xE000 ? c - 0x800 : c;
    }

    public ScalarIndexType type() {
        return type;
    }

    /** Rows of the segment the index was built over. */
    public int rows() {
        return rows;
    }

    public boolean arrayElements() {
        return arrayElements;
    }

    public KeyFamily family() {
        return family;
    }

    /** False when the segment holds values without an order (NaN): the index answers nothing then. */
    public boolean ordered() {
        return ordered;
    }

    /** Distinct keys; for tests and the benchmark's report. */
    public int keyCount() {
        return keys.length;
    }

    /** The rows whose value is null (a copy). */
    public BitSet nulls() {
        return (BitSet) nulls.clone();
    }

    /**
     * The rows holding a key inside a contiguous run of the key order. {@code position} tells for a key whether it
     * lies below the run (negative), inside it (0) or above it (positive), and must be monotonic over the key order.
     */
    public BitSet rowsWhere(ToIntFunction<Object> position) {
        int from = firstAtLeast(position, 0);
        int to = firstAtLeast(position, 1);
        BitSet out = new BitSet(rows);
        for (int p = starts[from]; p < starts[Math.max(from, to)]; p++) {
            out.set(postings[p]);
        }
        return out;
    }

    // The first key index whose position is >= threshold (keys.length when none).
    private int firstAtLeast(ToIntFunction<Object> position, int threshold) {
        int low = 0;
        int high = keys.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (position.applyAsInt(keys[mid]) >= threshold) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    // ------------------------------------------------------------------ file

    /** Writes this index to {@code name}, atomically (the store's contract). */
    public void write(ObjectStore store, String name) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + postings.length * 4 + keys.length * 9);
            IndexFile.LittleEndianOutput out = new IndexFile.LittleEndianOutput(bytes);
            writeBody(out);
            out.flush();
            store.write(name, Frame.frame(FORMAT, FILE_VERSION, bytes.toByteArray()));
        } catch (IOException e) {
            throw StorageException.io("write scalar index file", store.describe(name), e);
        }
    }

    private void writeBody(DataOutput out) throws IOException {
        out.writeByte(type.ordinal());
        out.writeInt(rows);
        out.writeByte(arrayElements ? 1 : 0);
        out.writeByte(family.ordinal());
        out.writeByte(ordered ? 1 : 0);
        out.writeInt(keys.length);
        for (Object key : keys) {
            switch (family) {
                case BOOL -> out.writeByte((Boolean) key ? 1 : 0);
                case LONG -> out.writeLong((Long) key);
                case DOUBLE -> out.writeDouble((Double) key);
                case STRING -> {
                    byte[] utf8 = ((String) key).getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
                case NONE -> throw new IllegalStateException("keys without a family");
            }
        }
        IndexFile.writeInts(out, starts, 0, starts.length);
        IndexFile.writeInts(out, postings, 0, postings.length);
        int[] nullRows = nulls.stream().toArray();
        out.writeInt(nullRows.length);
        IndexFile.writeInts(out, nullRows, 0, nullRows.length);
    }

    /**
     * Reads an index written by {@link #write} for a segment of {@code rows} rows, of the given type.
     *
     * @throws CorruptIndexException when damaged, truncated, of an unknown version, or not an index of this type over
     *                               this many rows; rebuild then
     * @throws StorageException      when it cannot be read at all (STORAGE_NOT_FOUND when it does not exist)
     */
    public static ScalarIndex read(ObjectStore store, String name, ScalarIndexType type, int rows,
                                   boolean arrayElements) {
        String file = store.describe(name);
        Frame.Body body = FramedIndexFile.read(store, name, FORMAT, FILE_VERSION, "scalar index file");
        try {
            DataInput in = new IndexFile.LittleEndianInput(new ByteArrayInputStream(body.bytes()));
            ScalarIndex index = readBody(in, file);
            if (index.type != type || index.rows != rows || index.arrayElements != arrayElements) {
                throw new CorruptIndexException(file, "an index of " + index.type + " over " + index.rows
                        + " rows, expected " + type + " over " + rows);
            }
            if (in.skipBytes(1) != 0) {
                throw new CorruptIndexException(file, "body does not end where the footer starts");
            }
            return index;
        } catch (EOFException e) {
            throw new CorruptIndexException(file, "truncated: body runs past its end");
        } catch (IOException e) {
            throw StorageException.io("read scalar index file", file, e);
        }
    }

    private static ScalarIndex readBody(DataInput in, String file) throws IOException {
        int typeOrdinal = in.readUnsignedByte();
        if (typeOrdinal >= ScalarIndexType.values().length) {
            throw new CorruptIndexException(file, "unknown index type " + typeOrdinal);
        }
        ScalarIndexType type = ScalarIndexType.values()[typeOrdinal];
        int rows = in.readInt();
        boolean arrayElements = in.readUnsignedByte() == 1;
        int familyOrdinal = in.readUnsignedByte();
        if (familyOrdinal >= KeyFamily.values().length) {
            throw new CorruptIndexException(file, "unknown key family " + familyOrdinal);
        }
        KeyFamily family = KeyFamily.values()[familyOrdinal];
        boolean ordered = in.readUnsignedByte() == 1;
        int keyCount = in.readInt();
        if (rows < 0 || keyCount < 0 || (keyCount > 0 && family == KeyFamily.NONE)) {
            throw new CorruptIndexException(file, "bad counts: rows " + rows + ", keys " + keyCount);
        }
        Object[] keys = new Object[keyCount];
        for (int k = 0; k < keyCount; k++) {
            keys[k] = switch (family) {
                case BOOL -> in.readUnsignedByte() == 1;
                case LONG -> in.readLong();
                case DOUBLE -> in.readDouble();
                case STRING -> {
                    int length = in.readInt();
                    if (length < 0 || length > (1 << 24)) {
                        throw new CorruptIndexException(file, "string key of " + length + " bytes");
                    }
                    byte[] utf8 = new byte[length];
                    in.readFully(utf8);
                    yield new String(utf8, StandardCharsets.UTF_8);
                }
                case NONE -> throw new CorruptIndexException(file, "keys without a family");
            };
            if (k > 0 && compareKeys(keys[k - 1], keys[k]) >= 0) {
                throw new CorruptIndexException(file, "keys out of order at " + k);
            }
        }
        int[] starts = new int[keyCount + 1];
        IndexFile.readInts(in, starts, 0, starts.length);
        for (int k = 0; k < keyCount; k++) {
            if (starts[k] < 0 || starts[k + 1] <= starts[k] || (k == 0 && starts[0] != 0)) {
                throw new CorruptIndexException(file, "posting starts out of order at " + k);
            }
        }
        if (starts[0] != 0 || starts[keyCount] < 0) {
            throw new CorruptIndexException(file, "posting starts do not begin at 0");
        }
        int[] postings = new int[starts[keyCount]];
        IndexFile.readInts(in, postings, 0, postings.length);
        for (int posting : postings) {
            if (posting < 0 || posting >= rows) {
                throw new CorruptIndexException(file, "row " + posting + " outside the segment's " + rows);
            }
        }
        int nullCount = in.readInt();
        if (nullCount < 0 || nullCount > rows) {
            throw new CorruptIndexException(file, "null count " + nullCount);
        }
        int[] nullRows = new int[nullCount];
        IndexFile.readInts(in, nullRows, 0, nullCount);
        BitSet nulls = new BitSet(rows);
        for (int row : nullRows) {
            if (row < 0 || row >= rows) {
                throw new CorruptIndexException(file, "null row " + row + " outside the segment's " + rows);
            }
            nulls.set(row);
        }
        return new ScalarIndex(type, rows, arrayElements, family, ordered, keys, starts, postings, nulls);
    }

    @Override
    public String toString() {
        return "ScalarIndex[" + type + ", rows=" + rows + ", keys=" + keys.length + ", postings=" + postings.length
                + "]";
    }
}
