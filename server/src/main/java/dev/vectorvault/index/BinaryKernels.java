package dev.vectorvault.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit counts over packed binary vectors (Milvus's {@code BinaryVector}: {@code dim / 8} bytes a row), read eight bytes
 * at a time as longs so each step is one {@link Long#bitCount} (a POPCNT instruction); the bytes past the last whole
 * long are counted one by one. The byte order of the long view does not matter to a bit count, and neither does the
 * bit order inside a byte, so rows are compared exactly as stored.
 */
final class BinaryKernels {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private BinaryKernels() {}

    /** The number of bits in which {@code a[aOffset..]} and {@code b[bOffset..]} differ over {@code bytes} bytes. */
    static int hamming(byte[] a, int aOffset, byte[] b, int bOffset, int bytes) {
        int count = 0;
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            count += Long.bitCount((long) LONGS.get(a, aOffset + i) ^ (long) LONGS.get(b, bOffset + i));
        }
        for (; i < bytes; i++) {
            count += Integer.bitCount((a[aOffset + i] ^ b[bOffset + i]) & 0xFF);
        }
        return count;
    }

    /**
     * The Jaccard distance {@code 1 - |a AND b| / |a OR b|}; 0 for two all-zero vectors (they are equal, and an
     * undefined 0/0 would leave the row out of every result and range).
     */
    static float jaccard(byte[] a, int aOffset, byte[] b, int bOffset, int bytes) {
        int both = 0;
        int either = 0;
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            long x = (long) LONGS.get(a, aOffset + i);
            long y = (long) LONGS.get(b, bOffset + i);
            both += Long.bitCount(x & y);
            either += Long.bitCount(x | y);
        }
        for (; i < bytes; i++) {
            int x = a[aOffset + i] & 0xFF;
            int y = b[bOffset + i] & 0xFF;
            both += Integer.bitCount(x & y);
            either += Integer.bitCount(x | y);
        }
        return either == 0 ? 0f : 1f - (float) both / (float) either;
    }
}
