package dev.vectorvault.server;

import com.google.protobuf.ByteString;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import dev.vectorvault.index.VectorEncoding;
import io.milvus.grpc.ArrayArray;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SparseFloatArray;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Milvus {@code FieldData} columns to Java values and back. Incoming nullable columns may be compact (only the
 * non-null values plus {@code valid_data}); outgoing nullable columns are full length with {@code valid_data}, as
 * the SDKs require.
 */
final class FieldDataCodec {
    private FieldDataCodec() {}

    /** One value per row (null where {@code valid_data} says so). */
    static List<Object> decode(FieldData data, FieldSchema field, int rows) {
        List<Object> present = decodePresent(data, field);
        if (data.getValidDataCount() == 0) {
            if (field.dataType() == DataType.JSON && present.contains(EMPTY_JSON)) {
                throw MilvusException.invalidParameter("invalid JSON value of field " + field.name() + ": empty");
            }
            return present;
        }
        if (data.getValidDataCount() != rows) {
            throw MilvusException.invalidParameter("the length of valid_data of field " + field.name()
                    + " must equal the number of rows");
        }
        boolean compact = present.size() < rows;
        List<Object> out = new ArrayList<>(rows);
        int next = 0;
        for (int r = 0; r < rows; r++) {
            boolean valid = data.getValidData(r);
            Object value = compact ? (valid && next < present.size() ? present.get(next++) : null)
                    : present.get(r);
            if (valid && value == EMPTY_JSON) {
                throw MilvusException.invalidParameter("invalid JSON value of field " + field.name() + " in row "
                        + r + ": empty");
            }
            out.add(valid ? value : null);
        }
        return out;
    }

    /**
     * An empty JSON entry: never valid JSON, but what a client may put in the place of a null row of a nullable JSON
     * field (and what this server returns there); valid_data decides, so it is parsed no further.
     */
    private static final Object EMPTY_JSON = new Object();

    private static List<Object> decodePresent(FieldData data, FieldSchema field) {
        DataType type = field.dataType();
        if (type == DataType.FLOAT_VECTOR) {
            VectorField vectors = data.getVectors();
            FloatArray floats = vectors.getFloatVector();
            int dim = (int) vectors.getDim();
            if (dim != field.dim()) {
                throw MilvusException.invalidParameter("the dim (" + dim + ") of field data(" + field.name()
                        + ") is not equal to schema dim (" + field.dim() + ")");
            }
            if (floats.getDataCount() % dim != 0) {
                throw MilvusException.invalidParameter("the float vector data of field " + field.name()
                        + " is not a multiple of its dim");
            }
            List<Object> out = new ArrayList<>(floats.getDataCount() / dim);
            for (int i = 0; i < floats.getDataCount(); i += dim) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = floats.getData(i + d);
                }
                out.add(v);
            }
            return out;
        }
        if (type.isDenseVector()) {
            return narrowVectors(data, field);
        }
        if (type.isBinaryVector()) {
            return binaryVectors(data, field);
        }
        if (type == DataType.SPARSE_FLOAT_VECTOR) {
            VectorField vectors = data.getVectors();
            if (data.getFieldCase() != FieldData.FieldCase.VECTORS
                    || vectors.getDataCase() != VectorField.DataCase.SPARSE_FLOAT_VECTOR) {
                throw MilvusException.invalidParameter("field " + field.name()
                        + " expects sparse float vector data (SparseFloatArray)");
            }
            SparseFloatArray sparse = vectors.getSparseFloatVector();
            List<Object> out = new ArrayList<>(sparse.getContentsCount());
            for (ByteString row : sparse.getContentsList()) {
                out.add(SparseVector.fromMilvusBytes(row.toByteArray()));
            }
            return out;
        }
        return scalars(data.getScalars(), type, field.name());
    }

    /** BinaryVector rows: {@code dim / 8} bytes each, concatenated row after row, kept packed as given. */
    private static List<Object> binaryVectors(FieldData data, FieldSchema field) {
        VectorField vectors = data.getVectors();
        if (data.getFieldCase() != FieldData.FieldCase.VECTORS
                || vectors.getDataCase() != VectorField.DataCase.BINARY_VECTOR) {
            throw MilvusException.invalidParameter("field " + field.name() + " expects BinaryVector data"
                    + " (binary_vector), got "
                    + (data.getFieldCase() == FieldData.FieldCase.VECTORS ? vectors.getDataCase() : data.getFieldCase()));
        }
        int dim = (int) vectors.getDim();
        if (dim != field.dim()) {
            throw MilvusException.invalidParameter("the dim (" + dim + ") of field data(" + field.name()
                    + ") is not equal to schema dim (" + field.dim() + ")");
        }
        ByteString bytes = vectors.getBinaryVector();
        int rowBytes = dim / 8;
        if (rowBytes == 0 || bytes.size() % rowBytes != 0) {
            throw MilvusException.invalidParameter("the binary vector data of field " + field.name() + " ("
                    + bytes.size() + " bytes) is not a multiple of its row size (" + rowBytes + " bytes)");
        }
        List<Object> out = new ArrayList<>(bytes.size() / rowBytes);
        for (int from = 0; from < bytes.size(); from += rowBytes) {
            out.add(bytes.substring(from, from + rowBytes).toByteArray());
        }
        return out;
    }

    /** Float16, BFloat16 and Int8 rows: Milvus's bytes, concatenated row after row, decoded to float per row. */
    private static List<Object> narrowVectors(FieldData data, FieldSchema field) {
        VectorEncoding encoding = field.dataType().encoding();
        VectorField vectors = data.getVectors();
        VectorField.DataCase expected = wireCase(field.dataType());
        if (data.getFieldCase() != FieldData.FieldCase.VECTORS || vectors.getDataCase() != expected) {
            throw MilvusException.invalidParameter("field " + field.name() + " expects " + encoding.wireName()
                    + " data (" + expected.name().toLowerCase(java.util.Locale.ROOT) + "), got "
                    + (data.getFieldCase() == FieldData.FieldCase.VECTORS ? vectors.getDataCase() : data.getFieldCase()));
        }
        int dim = (int) vectors.getDim();
        if (dim != field.dim()) {
            throw MilvusException.invalidParameter("the dim (" + dim + ") of field data(" + field.name()
                    + ") is not equal to schema dim (" + field.dim() + ")");
        }
        ByteString bytes = switch (expected) {
            case FLOAT16_VECTOR -> vectors.getFloat16Vector();
            case BFLOAT16_VECTOR -> vectors.getBfloat16Vector();
            default -> vectors.getInt8Vector();
        };
        int rowBytes = dim * encoding.bytesPerComponent();
        if (bytes.size() % rowBytes != 0) {
            throw MilvusException.invalidParameter("the " + encoding.wireName() + " data of field " + field.name()
                    + " (" + bytes.size() + " bytes) is not a whole number of rows of " + rowBytes + " bytes");
        }
        byte[] all = bytes.toByteArray();
        List<Object> out = new ArrayList<>(all.length / rowBytes);
        for (int at = 0; at < all.length; at += rowBytes) {
            out.add(encoding.decode(all, at, dim));
        }
        return out;
    }

    private static VectorField.DataCase wireCase(DataType type) {
        return switch (type) {
            case FLOAT16_VECTOR -> VectorField.DataCase.FLOAT16_VECTOR;
            case BFLOAT16_VECTOR -> VectorField.DataCase.BFLOAT16_VECTOR;
            case INT8_VECTOR -> VectorField.DataCase.INT8_VECTOR;
            default -> throw new IllegalArgumentException(type + " is not a narrow vector type");
        };
    }

    /** An output column of Float16, BFloat16 or Int8 rows: the stored bytes, exactly as inserted. */
    private static VectorField narrowColumn(FieldSchema field, List<Object> values) {
        VectorEncoding encoding = field.dataType().encoding();
        int rowBytes = field.dim() * encoding.bytesPerComponent();
        byte[] all = new byte[values.size() * rowBytes];
        for (int r = 0; r < values.size(); r++) {
            encoding.encode((float[]) values.get(r), all, r * rowBytes);
        }
        ByteString bytes = ByteString.copyFrom(all);
        VectorField.Builder out = VectorField.newBuilder().setDim(field.dim());
        return switch (field.dataType()) {
            case FLOAT16_VECTOR -> out.setFloat16Vector(bytes).build();
            case BFLOAT16_VECTOR -> out.setBfloat16Vector(bytes).build();
            default -> out.setInt8Vector(bytes).build();
        };
    }

    private static List<Object> scalars(ScalarField scalars, DataType type, String name) {
        List<Object> out = new ArrayList<>();
        switch (scalars.getDataCase()) {
            case BOOL_DATA -> out.addAll(scalars.getBoolData().getDataList());
            case INT_DATA -> scalars.getIntData().getDataList().forEach(v -> out.add((long) v));
            case LONG_DATA -> out.addAll(scalars.getLongData().getDataList());
            case FLOAT_DATA -> scalars.getFloatData().getDataList().forEach(v -> out.add((double) v));
            case DOUBLE_DATA -> out.addAll(scalars.getDoubleData().getDataList());
            case STRING_DATA -> out.addAll(scalars.getStringData().getDataList());
            case JSON_DATA -> scalars.getJsonData().getDataList()
                    .forEach(b -> out.add(b.isEmpty() ? EMPTY_JSON : JsonValues.parse(b.toByteArray())));
            case ARRAY_DATA -> {
                ArrayArray arrays = scalars.getArrayData();
                for (ScalarField element : arrays.getDataList()) {
                    out.add(scalars(element, null, name));
                }
            }
            case DATA_NOT_SET -> { }
            default -> throw MilvusException.invalidParameter("unsupported data for field " + name + ": "
                    + scalars.getDataCase());
        }
        return out;
    }

    /** The dynamic-field column: one JSON object per row. */
    static List<Map<String, Object>> decodeDynamic(FieldData data) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ByteString json : data.getScalars().getJsonData().getDataList()) {
            Object parsed = JsonValues.parse(json.toByteArray());
            if (!(parsed instanceof Map<?, ?> map)) {
                throw MilvusException.invalidParameter("dynamic field data must be JSON objects");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            rows.add(typed);
        }
        return rows;
    }

    /** A full-length column for output. {@code dynamicKeys} (null = all) filters the dynamic field's keys. */
    static FieldData encode(FieldSchema field, List<Object> values, Set<String> dynamicKeys) {
        FieldData.Builder out = FieldData.newBuilder().setFieldName(field.name()).setFieldId(field.fieldId())
                .setType(SchemaMapper.protoType(field.dataType())).setIsDynamic(field.dynamic());
        if (field.dataType() == DataType.FLOAT_VECTOR) {
            FloatArray.Builder floats = FloatArray.newBuilder();
            for (Object v : values) {
                for (float f : (float[]) v) {
                    floats.addData(f);
                }
            }
            return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setFloatVector(floats)).build();
        }
        if (field.dataType().isDenseVector()) {
            return out.setVectors(narrowColumn(field, values)).build();
        }
        if (field.dataType() == DataType.SPARSE_FLOAT_VECTOR) {
            return out.setVectors(sparseColumn(values)).build();
        }
        if (field.dataType().isBinaryVector()) {
            // The stored bytes, exactly as inserted, rows back to back.
            ByteString.Output all = ByteString.newOutput(values.size() * (field.dim() / 8));
            for (Object v : values) {
                all.write((byte[]) v, 0, ((byte[]) v).length);
            }
            return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setBinaryVector(all.toByteString()))
                    .build();
        }
        if (field.nullable()) {
            values.forEach(v -> out.addValidData(v != null));
        }
        List<Object> filled = new ArrayList<>(values.size());
        for (Object v : values) {
            Object value = v;
            if (field.dynamic() && dynamicKeys != null && v instanceof Map<?, ?> map) {
                Map<String, Object> kept = new java.util.LinkedHashMap<>();
                map.forEach((k, x) -> {
                    if (dynamicKeys.contains((String) k)) {
                        kept.put((String) k, x);
                    }
                });
                value = kept;
            }
            filled.add(value);
        }
        return out.setScalars(scalarColumn(field.dataType(), field.elementType(), filled)).build();
    }

    /** Rows in Milvus's wire form; both dims are the largest row dimension, as Milvus sets them. */
    static VectorField sparseColumn(List<?> rows) {
        SparseFloatArray.Builder sparse = SparseFloatArray.newBuilder();
        long dim = 0;
        for (Object row : rows) {
            SparseVector vector = row == null ? SparseVector.EMPTY : (SparseVector) row;
            sparse.addContents(ByteString.copyFrom(vector.toMilvusBytes()));
            dim = Math.max(dim, vector.dimension());
        }
        return VectorField.newBuilder().setDim(dim).setSparseFloatVector(sparse.setDim(dim)).build();
    }

    private static ScalarField scalarColumn(DataType type, DataType elementType, List<Object> values) {
        ScalarField.Builder out = ScalarField.newBuilder();
        switch (type) {
            case BOOL -> {
                BoolArray.Builder b = BoolArray.newBuilder();
                values.forEach(v -> b.addData(v != null && (Boolean) v));
                out.setBoolData(b);
            }
            case INT8, INT16, INT32 -> {
                IntArray.Builder b = IntArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? 0 : ((Long) v).intValue()));
                out.setIntData(b);
            }
            case INT64 -> {
                LongArray.Builder b = LongArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? 0 : (Long) v));
                out.setLongData(b);
            }
            case FLOAT -> {
                FloatArray.Builder b = FloatArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? 0 : ((Double) v).floatValue()));
                out.setFloatData(b);
            }
            case DOUBLE -> {
                DoubleArray.Builder b = DoubleArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? 0 : (Double) v));
                out.setDoubleData(b);
            }
            case VARCHAR -> {
                StringArray.Builder b = StringArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? "" : (String) v));
                out.setStringData(b);
            }
            case JSON -> {
                JSONArray.Builder b = JSONArray.newBuilder();
                values.forEach(v -> b.addData(v == null ? ByteString.EMPTY : ByteString.copyFrom(JsonValues.toBytes(v))));
                out.setJsonData(b);
            }
            case ARRAY -> {
                ArrayArray.Builder b = ArrayArray.newBuilder().setElementType(SchemaMapper.protoType(elementType));
                for (Object v : values) {
                    @SuppressWarnings("unchecked")
                    List<Object> list = v == null ? List.of() : (List<Object>) v;
                    b.addData(scalarColumn(elementType, null, list));
                }
                out.setArrayData(b);
            }
            case FLOAT_VECTOR, SPARSE_FLOAT_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR -> throw new IllegalStateException("vectors are not scalar columns");
        }
        return out.build();
    }
}
