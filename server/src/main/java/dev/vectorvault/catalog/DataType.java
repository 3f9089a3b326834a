package dev.vectorvault.catalog;

import dev.vectorvault.index.VectorEncoding;

/** Field types this server stores. Scalar integer widths are kept so values are range-checked and echoed back. */
public enum DataType {
    BOOL, INT8, INT16, INT32, INT64, FLOAT, DOUBLE, VARCHAR, JSON, ARRAY, FLOAT_VECTOR, SPARSE_FLOAT_VECTOR,
    /** Milvus's Float16Vector, BFloat16Vector and Int8Vector: dense, stored narrower, computed in float. */
    FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR,
    /** Milvus's BinaryVector: {@code dim} bits packed into {@code dim / 8} bytes a row, held packed (byte[]). */
    BINARY_VECTOR;

    public boolean isInteger() {
        return this == INT8 || this == INT16 || this == INT32 || this == INT64;
    }

    public boolean isVector() {
        return this == FLOAT_VECTOR || this == SPARSE_FLOAT_VECTOR || isDenseVector() || isBinaryVector();
    }

    /** A vector of a fixed dimension whose rows are held as {@code float[]} (whatever the stored width). */
    public boolean isDenseVector() {
        return this == FLOAT_VECTOR || this == FLOAT16_VECTOR || this == BFLOAT16_VECTOR || this == INT8_VECTOR;
    }

    /** How a dense vector field's components are stored; null for any other type. */
    public VectorEncoding encoding() {
        return switch (this) {
            case FLOAT_VECTOR -> VectorEncoding.FLOAT32;
            case FLOAT16_VECTOR -> VectorEncoding.FLOAT16;
            case BFLOAT16_VECTOR -> VectorEncoding.BFLOAT16;
            case INT8_VECTOR -> VectorEncoding.INT8;
            default -> null;
        };
    }

    /** A vector of {@code dim} bits, packed eight to a byte (rows are {@code byte[]}s of {@code dim / 8} bytes). */
    public boolean isBinaryVector() {
        return this == BINARY_VECTOR;
    }

    /** A vector of (index, value) pairs without a fixed dimension (Milvus's SparseFloatVector). */
    public boolean isSparseVector() {
        return this == SPARSE_FLOAT_VECTOR;
    }

    /** Types allowed as array elements (Milvus: scalars, no JSON, no nested arrays). */
    public boolean isArrayElement() {
        return this != JSON && this != ARRAY && !isVector();
    }
}
