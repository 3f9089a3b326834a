package dev.vectorvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.index.VectorEncoding;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.SparseFloatArray;
import io.milvus.grpc.VectorField;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Vectors of every Milvus type in the JSON shapes of Milvus's RESTful API v2, both ways:
 * <ul>
 *   <li>FloatVector: an array of numbers.</li>
 *   <li>BinaryVector: {@code dim / 8} bytes, as an array of numbers 0..255 or a base64 string; read back as base64
 *       (what Go's JSON encoder makes of a byte slice).</li>
 *   <li>Float16Vector / BFloat16Vector: an array of {@code dim} numbers (converted, as Milvus converts them: float16
 *       rounded to nearest, bfloat16 truncated) or a base64 string of the {@code dim * 2} little-endian bytes; read
 *       back as base64.</li>
 *   <li>Int8Vector: an array of {@code dim} integers -128..127, both ways.</li>
 *   <li>SparseFloatVector: an object {@code {"index": value, ...}} or {@code {"indices": [...], "values": [...]}};
 *       read back as the first form. A search on a BM25 function's output field takes raw texts (strings).</li>
 * </ul>
 * Shapes and widths are checked here; values (NaN, negative sparse values, ...) by the gRPC call, with its messages.
 */
final class RestVectors {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RestVectors() {}

    static boolean isVector(DataType type) {
        return switch (type) {
            case FloatVector, BinaryVector, Float16Vector, BFloat16Vector, Int8Vector, SparseFloatVector -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ insert / upsert

    /** A vector column from row values ({@code null} = a row without one, left out as valid_data says). */
    static VectorField column(FieldSchema field, List<JsonNode> values) {
        String name = field.getName();
        DataType type = field.getDataType();
        int dim = RestData.intParam(field, "dim");
        VectorField.Builder out = VectorField.newBuilder();
        if (type == DataType.SparseFloatVector) {
            SparseFloatArray.Builder sparse = SparseFloatArray.newBuilder();
            long width = 0;
            for (int r = 0; r < values.size(); r++) {
                if (values.get(r) != null) {
                    Sparse row = sparse(values.get(r), insertError(name, r));
                    width = Math.max(width, row.width());
                    sparse.addContents(ByteString.copyFrom(row.bytes()));
                }
            }
            return out.setDim(width).setSparseFloatVector(sparse.setDim(width)).build();
        }
        out.setDim(dim);
        if (type == DataType.FloatVector) {
            FloatArray.Builder floats = FloatArray.newBuilder();
            for (int r = 0; r < values.size(); r++) {
                if (values.get(r) != null) {
                    for (float x : floats(values.get(r), dim, insertError(name, r))) {
                        floats.addData(x);
                    }
                }
            }
            return out.setFloatVector(floats).build();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int r = 0; r < values.size(); r++) {
            if (values.get(r) != null) {
                bytes.writeBytes(denseBytes(type, values.get(r), dim, insertError(name, r)));
            }
        }
        ByteString data = ByteString.copyFrom(bytes.toByteArray());
        return switch (type) {
            case BinaryVector -> out.setBinaryVector(data).build();
            case Float16Vector -> out.setFloat16Vector(data).build();
            case BFloat16Vector -> out.setBfloat16Vector(data).build();
            case Int8Vector -> out.setInt8Vector(data).build();
            default -> throw RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "field " + name + " has type " + type
                    + ", which the REST API does not accept yet");
        };
    }

    // ------------------------------------------------------------------ search

    /**
     * The search field's type when the query vectors need it to be read: float arrays holding a fraction can only
     * be float queries (the gRPC search converts them for Float16/BFloat16 fields as Milvus's REST layer does), so
     * only other shapes cost a schema read.
     */
    static boolean needsSchema(JsonNode data) {
        if (data == null || !data.isArray() || data.isEmpty()) {
            return false;
        }
        for (JsonNode vector : data) {
            if (!vector.isArray()) {
                return true;
            }
            boolean fraction = false;
            for (JsonNode x : vector) {
                fraction |= x.isNumber() && !x.isIntegralNumber();
            }
            if (!fraction) {
                return true;
            }
        }
        return false;
    }

    /** The field a search on {@code annsField} ("" = the only vector field) reads, if the schema names one. */
    static Optional<FieldSchema> searchField(CollectionSchema schema, String annsField) {
        List<FieldSchema> vectors = schema.getFieldsList().stream().filter(f -> isVector(f.getDataType())).toList();
        if (annsField.isEmpty()) {
            return vectors.size() == 1 ? Optional.of(vectors.get(0)) : Optional.empty();
        }
        return vectors.stream().filter(f -> f.getName().equals(annsField)).findFirst();
    }

    /**
     * The query vectors as a {@code PlaceholderGroup} of the field's type; without a field (none resolved) as float
     * vectors, and the search itself answers whatever does not fit.
     */
    static ByteString placeholders(JsonNode data, FieldSchema field) {
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "data must be a non-empty array of vectors");
        }
        DataType type = field == null ? DataType.FloatVector : field.getDataType();
        int dim = field == null ? 0 : RestData.intParam(field, "dim");
        PlaceholderValue.Builder value = PlaceholderValue.newBuilder().setTag("$0");
        if (type == DataType.SparseFloatVector && data.get(0).isTextual()) {
            value.setType(PlaceholderType.VarChar); // raw text for a BM25 function's output field
            int q = 0;
            for (JsonNode text : data) {
                if (!text.isTextual()) {
                    throw queryError(q).apply("must be a text, as the first one is");
                }
                value.addValues(ByteString.copyFromUtf8(text.textValue()));
                q++;
            }
            return PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString();
        }
        value.setType(switch (type) {
            case BinaryVector -> PlaceholderType.BinaryVector;
            case Float16Vector -> PlaceholderType.Float16Vector;
            case BFloat16Vector -> PlaceholderType.BFloat16Vector;
            case Int8Vector -> PlaceholderType.Int8Vector;
            case SparseFloatVector -> PlaceholderType.SparseFloatVector;
            default -> PlaceholderType.FloatVector;
        });
        int q = 0;
        for (JsonNode vector : data) {
            Errors error = queryError(q);
            byte[] bytes = switch (type) {
                case SparseFloatVector -> sparse(vector, error).bytes();
                case BinaryVector, Float16Vector, BFloat16Vector, Int8Vector -> denseBytes(type, vector, dim, error);
                default -> floatBytes(floats(vector, dim, error));
            };
            value.addValues(ByteString.copyFrom(bytes));
            q++;
        }
        return PlaceholderGroup.newBuilder().addPlaceholders(value).build().toByteString();
    }

    // ------------------------------------------------------------------ results

    /** Rows in a vector column. */
    static int rowCount(VectorField v) {
        int dim = (int) v.getDim();
        return switch (v.getDataCase()) {
            case FLOAT_VECTOR -> dim == 0 ? 0 : v.getFloatVector().getDataCount() / dim;
            case BINARY_VECTOR -> dim < 8 ? 0 : v.getBinaryVector().size() / (dim / 8);
            case FLOAT16_VECTOR -> dim == 0 ? 0 : v.getFloat16Vector().size() / (dim * 2);
            case BFLOAT16_VECTOR -> dim == 0 ? 0 : v.getBfloat16Vector().size() / (dim * 2);
            case INT8_VECTOR -> dim == 0 ? 0 : v.getInt8Vector().size() / dim;
            case SPARSE_FLOAT_VECTOR -> v.getSparseFloatVector().getContentsCount();
            default -> 0;
        };
    }

    /** Each row of a vector column in its REST form. */
    static List<JsonNode> values(VectorField v) {
        List<JsonNode> out = new ArrayList<>();
        int dim = (int) v.getDim();
        int rows = rowCount(v);
        switch (v.getDataCase()) {
            case FLOAT_VECTOR -> {
                List<Float> floats = v.getFloatVector().getDataList();
                for (int r = 0; r < rows; r++) {
                    ArrayNode vector = NODES.arrayNode(dim);
                    for (int d = 0; d < dim; d++) {
                        vector.add(floats.get(r * dim + d));
                    }
                    out.add(vector);
                }
            }
            case BINARY_VECTOR -> base64Rows(v.getBinaryVector(), dim / 8, rows, out);
            case FLOAT16_VECTOR -> base64Rows(v.getFloat16Vector(), dim * 2, rows, out);
            case BFLOAT16_VECTOR -> base64Rows(v.getBfloat16Vector(), dim * 2, rows, out);
            case INT8_VECTOR -> {
                byte[] bytes = v.getInt8Vector().toByteArray();
                for (int r = 0; r < rows; r++) {
                    ArrayNode vector = NODES.arrayNode(dim);
                    for (int d = 0; d < dim; d++) {
                        vector.add(bytes[r * dim + d]);
                    }
                    out.add(vector);
                }
            }
            case SPARSE_FLOAT_VECTOR -> {
                for (ByteString row : v.getSparseFloatVector().getContentsList()) {
                    out.add(sparseJson(row));
                }
            }
            default -> { }
        }
        return out;
    }

    private static void base64Rows(ByteString data, int width, int rows, List<JsonNode> out) {
        Base64.Encoder encoder = Base64.getEncoder();
        for (int r = 0; r < rows; r++) {
            out.add(NODES.textNode(encoder.encodeToString(data.substring(r * width, (r + 1) * width).toByteArray())));
        }
    }

    private static ObjectNode sparseJson(ByteString row) {
        ByteBuffer buffer = row.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ObjectNode out = NODES.objectNode();
        while (buffer.remaining() >= 8) {
            long index = Integer.toUnsignedLong(buffer.getInt());
            out.put(Long.toString(index), buffer.getFloat());
        }
        return out;
    }

    // ------------------------------------------------------------------ shapes

    /** Builds the refusal for one row or query vector: insert data is 1804, a search's data 1100. */
    @FunctionalInterface
    private interface Errors {
        RestFailure apply(String problem);
    }

    private static Errors insertError(String field, int row) {
        return problem -> RestFailure.of(ErrorCode.INVALID_INSERT_DATA, "row " + row + ": field " + field + " "
                + problem);
    }

    private static Errors queryError(int q) {
        return problem -> RestFailure.of(ErrorCode.PARAMETER_INVALID, "query vector " + q + " " + problem);
    }

    private static float[] floats(JsonNode v, int dim, Errors error) {
        if (!v.isArray() || (dim > 0 && v.size() != dim)) {
            throw error.apply("must be an array of " + (dim > 0 ? dim + " " : "") + "numbers");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw error.apply("must be an array of numbers");
            }
            out[i] = v.get(i).floatValue();
        }
        return out;
    }

    private static byte[] floatBytes(float[] floats) {
        ByteBuffer buffer = ByteBuffer.allocate(floats.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : floats) {
            buffer.putFloat(x);
        }
        return buffer.array();
    }

    /** One row of a byte-laid vector type (binary, float16, bfloat16, int8) from its JSON shape. */
    private static byte[] denseBytes(DataType type, JsonNode v, int dim, Errors error) {
        int width = switch (type) {
            case BinaryVector -> dim / 8;
            case Float16Vector, BFloat16Vector -> dim * 2;
            default -> dim;
        };
        if (v.isTextual() && type != DataType.Int8Vector) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(v.textValue());
            } catch (IllegalArgumentException e) {
                throw error.apply("is not valid base64: " + e.getMessage());
            }
            if (bytes.length != width) {
                throw error.apply("must hold " + width + " bytes (dim " + dim + "), got " + bytes.length);
            }
            return bytes;
        }
        String shape = switch (type) {
            case BinaryVector -> "an array of " + width + " bytes (0..255) or their base64 string";
            case Float16Vector, BFloat16Vector -> "an array of " + dim + " numbers or the base64 string of its "
                    + width + " bytes";
            default -> "an array of " + dim + " integers (-128..127)";
        };
        int count = type == DataType.BinaryVector ? width : dim;
        if (!v.isArray() || v.size() != count) {
            throw error.apply("must be " + shape);
        }
        if (type == DataType.Float16Vector || type == DataType.BFloat16Vector) {
            ByteBuffer buffer = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : floats(v, dim, error)) {
                buffer.putShort(type == DataType.Float16Vector ? VectorEncoding.floatToHalf(x)
                        : (short) (Float.floatToRawIntBits(x) >>> 16));
            }
            return buffer.array();
        }
        int min = type == DataType.BinaryVector ? 0 : -128;
        int max = type == DataType.BinaryVector ? 255 : 127;
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            JsonNode x = v.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToInt() || x.intValue() < min || x.intValue() > max) {
                throw error.apply("must be " + shape);
            }
            out[i] = (byte) x.intValue();
        }
        return out;
    }

    /** A sparse row in Milvus's wire layout (entries sorted by index) and its width (largest index + 1). */
    private record Sparse(byte[] bytes, long width) {}

    private static Sparse sparse(JsonNode v, Errors error) {
        if (!v.isObject()) {
            throw error.apply("must be a sparse vector: {\"index\": value, ...} or {\"indices\": [...], \"values\":"
                    + " [...]}");
        }
        long[] indices;
        float[] values;
        JsonNode indexList = v.get("indices");
        JsonNode valueList = v.get("values");
        if (v.size() == 2 && indexList != null && valueList != null) {
            if (!indexList.isArray() || !valueList.isArray() || indexList.size() != valueList.size()) {
                throw error.apply("must have arrays indices and values of the same length");
            }
            indices = new long[indexList.size()];
            values = new float[indexList.size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = index(indexList.get(i), error);
                values[i] = value(valueList.get(i), error);
            }
        } else {
            indices = new long[v.size()];
            values = new float[v.size()];
            int i = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); i++) {
                Map.Entry<String, JsonNode> e = it.next();
                long index;
                try {
                    index = Long.parseLong(e.getKey().trim());
                } catch (NumberFormatException ex) {
                    throw error.apply("has key \"" + e.getKey() + "\", which is not an index");
                }
                indices[i] = checkIndex(index, error);
                values[i] = value(e.getValue(), error);
            }
        }
        // Sorted by index as Milvus sorts a JSON row; a repeated index then fails the gRPC call's ascending check.
        Integer[] order = new Integer[indices.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(indices[a], indices[b]));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(indices.length * 8);
        ByteBuffer pair = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long width = 0;
        for (int i : order) {
            pair.clear();
            pair.putInt((int) indices[i]).putFloat(values[i]);
            bytes.writeBytes(pair.array());
            width = Math.max(width, indices[i] + 1);
        }
        return new Sparse(bytes.toByteArray(), width);
    }

    private static long index(JsonNode x, Errors error) {
        if (!x.isIntegralNumber() || !x.canConvertToLong()) {
            throw error.apply("has an index that is not an integer: " + x);
        }
        return checkIndex(x.longValue(), error);
    }

    private static long checkIndex(long index, Errors error) {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw error.apply("has index " + index + ", outside uint32");
        }
        return index;
    }

    private static float value(JsonNode x, Errors error) {
        if (!x.isNumber()) {
            throw error.apply("has a value that is not a number: " + x);
        }
        return x.floatValue();
    }
}
