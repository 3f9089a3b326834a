package dev.vectorvault.index;

/**
 * How the components of a dense vector field are stored on the wire and on disk: Milvus's {@code FloatVector}
 * (float32), {@code Float16Vector} (IEEE 754 binary16), {@code BFloat16Vector} (the top 16 bits of a float32) and
 * {@code Int8Vector} (two's complement bytes), each little-endian, rows concatenated.
 *
 * <p>Every value of the narrower encodings is exactly a float32, so a field computes in float: rows are decoded on
 * the way in and encoded again on the way out, and a row reads back as exactly the bytes that were written (the
 * round trip of an encoded value through float is the identity, NaN payloads aside, and NaN is refused).
 */
public enum VectorEncoding {
    FLOAT32(4, "FloatVector"),
    FLOAT16(2, "Float16Vector"),
    BFLOAT16(2, "BFloat16Vector"),
    INT8(1, "Int8Vector");

    /** The largest finite binary16 value; Milvus refuses float queries beyond it on a Float16 field. */
    public static final float FLOAT16_MAX = 65504f;
    /** The smallest normal binary16 value; Milvus refuses non-zero float queries below it on a Float16 field. */
    public static final float FLOAT16_MIN_NORMAL = 0x1p-14f;

    private final int bytes;
    private final String wireName;

    VectorEncoding(int bytes, String wireName) {
        this.bytes = bytes;
        this.wireName = wireName;
    }

    /** Bytes per component. */
    public int bytesPerComponent() {
        return bytes;
    }

    /** Milvus's name of the field type (its messages use it). */
    public String wireName() {
        return wireName;
    }

    /**
     * The {@code dim} components stored at {@code bytes[offset..]}.
     *
     * @throws IllegalArgumentException when fewer than {@code dim} components' bytes are there
     */
    public float[] decode(byte[] source, int offset, int dim) {
        if (offset < 0 || (long) offset + (long) dim * bytes > source.length) {
            throw new IllegalArgumentException(dim + " " + wireName + " components need " + (long) dim * bytes
                    + " bytes, " + (source.length - offset) + " are there");
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            int at = offset + i * bytes;
            out[i] = switch (this) {
                case FLOAT32 -> Float.intBitsToFloat((source[at] & 0xFF) | (source[at + 1] & 0xFF) << 8
                        | (source[at + 2] & 0xFF) << 16 | (source[at + 3] & 0xFF) << 24);
                case FLOAT16 -> halfToFloat((short) ((source[at] & 0xFF) | (source[at + 1] & 0xFF) << 8));
                case BFLOAT16 -> bfloat16ToFloat((short) ((source[at] & 0xFF) | (source[at + 1] & 0xFF) << 8));
                case INT8 -> source[at];
            };
        }
        return out;
    }

    /** {@link #decode} of a whole row. */
    public float[] decode(byte[] row) {
        if (row.length % bytes != 0) {
            throw new IllegalArgumentException(row.length + " bytes are not a whole number of " + wireName
                    + " components");
        }
        return decode(row, 0, row.length / bytes);
    }

    /**
     * The stored bytes of {@code vector}, whose components must each be a value of this encoding (as decoded rows
     * are); a float32 that is not is rounded as {@link #fromFloat32} would round it.
     */
    public byte[] encode(float[] vector) {
        byte[] out = new byte[vector.length * bytes];
        encode(vector, out, 0);
        return out;
    }

    /** Writes {@code vector}'s stored bytes at {@code target[offset..]}. */
    public void encode(float[] vector, byte[] target, int offset) {
        for (int i = 0; i < vector.length; i++) {
            int at = offset + i * bytes;
            switch (this) {
                case FLOAT32 -> {
                    int b = Float.floatToRawIntBits(vector[i]);
                    target[at] = (byte) b;
                    target[at + 1] = (byte) (b >>> 8);
                    target[at + 2] = (byte) (b >>> 16);
                    target[at + 3] = (byte) (b >>> 24);
                }
                case FLOAT16 -> {
                    short h = floatToHalf(vector[i]);
                    target[at] = (byte) h;
                    target[at + 1] = (byte) (h >>> 8);
                }
                case BFLOAT16 -> {
                    short b = floatToBfloat16(vector[i]);
                    target[at] = (byte) b;
                    target[at + 1] = (byte) (b >>> 8);
                }
                case INT8 -> target[at] = floatToInt8(vector[i]);
            }
        }
    }

    /**
     * A float32 query on a field of this encoding, as Milvus 2.6 converts it (its {@code vector_type_convert.go}):
     * float16 rounds to nearest and refuses magnitudes above 65504 or non-zero below 2^-14; bfloat16 truncates (the
     * top 16 bits). Only FLOAT16 and BFLOAT16 fields take float32 queries.
     *
     * @throws IllegalArgumentException with Milvus's reason when a component cannot be converted
     * @throws UnsupportedOperationException for the encodings that take no float32 queries
     */
    public float[] fromFloat32(float[] query) {
        float[] out = new float[query.length];
        for (int i = 0; i < query.length; i++) {
            float x = query[i];
            switch (this) {
                case FLOAT32 -> out[i] = x;
                case FLOAT16 -> {
                    float magnitude = Math.abs(x);
                    if (!Float.isFinite(x) || magnitude > FLOAT16_MAX
                            || (magnitude != 0 && magnitude < FLOAT16_MIN_NORMAL)) {
                        throw new IllegalArgumentException("value " + x + " at dimension " + i
                                + " is out of the float16 range (6.1e-05 to 65504, or 0)");
                    }
                    out[i] = halfToFloat(floatToHalf(x));
                }
                case BFLOAT16 -> {
                    if (!Float.isFinite(x)) {
                        throw new IllegalArgumentException("value " + x + " at dimension " + i
                                + " cannot be converted to bfloat16");
                    }
                    out[i] = Float.intBitsToFloat(Float.floatToRawIntBits(x) & 0xFFFF0000);
                }
                case INT8 -> throw new UnsupportedOperationException("Int8Vector fields take Int8Vector queries");
            }
        }
        return out;
    }

    /**
     * {@code vector} with each component replaced by the value this encoding stores for it ({@link #encode} then
     * {@link #decode}): the vector itself for FLOAT32, a rounded copy otherwise. A float16 component beyond 65504
     * becomes infinite, which the caller refuses as it refuses any non-finite component.
     */
    public float[] rounded(float[] vector) {
        if (this == FLOAT32) {
            return vector;
        }
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = switch (this) {
                case FLOAT16 -> halfToFloat(floatToHalf(vector[i]));
                case BFLOAT16 -> bfloat16ToFloat(floatToBfloat16(vector[i]));
                case INT8 -> floatToInt8(vector[i]);
                case FLOAT32 -> vector[i];
            };
        }
        return out;
    }

    /** The bfloat16 bits stored for {@code value}: its top 16 bits (truncation, as Milvus converts). */
    public static short floatToBfloat16(float value) {
        return (short) (Float.floatToRawIntBits(value) >>> 16);
    }

    /** The bfloat16 value {@code bits} as a float32 (exact: the bits are the float's top half). */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** The int8 stored for {@code value}: rounded to nearest and clamped to [-128, 127]. */
    public static byte floatToInt8(float value) {
        return (byte) Math.max(-128, Math.min(127, Math.round(value)));
    }

    /** The binary16 value {@code half} as a float32 (exact). */
    public static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f; // exact: a 10-bit integer times a power of two
            return sign != 0 ? -subnormal : subnormal;
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | mantissa << 13);
        }
        return Float.intBitsToFloat(sign | (exponent - 15 + 127) << 23 | mantissa << 13);
    }

    /** {@code value} rounded to the nearest binary16 (ties to even), overflowing to infinity, as IEEE 754 says. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            // A binary16 subnormal (or zero): the float's full significand shifted to units of 2^-24.
            if (halfExponent < -10) {
                return (short) sign;
            }
            int significand = mantissa | 0x80_0000;
            int shift = 14 - halfExponent;
            return (short) (sign | roundShift(significand, shift));
        }
        // A carry out of the mantissa rounds into the exponent, up to infinity: the bit layout makes that right.
        return (short) (sign | roundShift(halfExponent << 23 | mantissa, 13));
    }

    /** {@code value >>> shift}, rounded to nearest with ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
