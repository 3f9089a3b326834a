package dev.vectorvault.query.expr;

/** The kinds of values a filter can see; a field's Milvus data type maps onto one of these. */
public enum ValueType {
    BOOL("Bool"),
    /** Every Milvus integer width; evaluated as a 64-bit long. */
    INT("Int64"),
    /** Float and Double; evaluated as a double. */
    FLOAT("Double"),
    STRING("VarChar"),
    /** Typed only at run time: a JSON value that has the wrong type for an operation simply does not match. */
    JSON("JSON"),
    /** A homogeneous array; see {@link FieldType#elementType()}. */
    ARRAY("Array"),
    /** Never usable in a filter; declared so that referring to one gives a clear error. */
    VECTOR("Vector");

    private final String milvusName;

    ValueType(String milvusName) {
        this.milvusName = milvusName;
    }

    /** The name Milvus uses in its error messages (VarChar, Int64, ...). */
    public String milvusName() {
        return milvusName;
    }
}
