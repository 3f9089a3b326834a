package dev.vectorvault.catalog;

/** Field types this server stores. Scalar integer widths are kept so values are range-checked and echoed back. */
public enum DataType {
    BOOL, INT8, INT16, INT32, INT64, FLOAT, DOUBLE, VARCHAR, JSON, ARRAY, FLOAT_VECTOR, SPARSE_FLOAT_VECTOR;

    public boolean isInteger() {
        return this == INT8 || this == INT16 || this == INT32 || this == INT64;
    }

    public boolean isVector() {
        return this == FLOAT_VECTOR || this == SPARSE_FLOAT_VECTOR;
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
