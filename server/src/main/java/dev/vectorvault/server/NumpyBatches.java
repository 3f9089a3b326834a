package dev.vectorvault.server;

import com.google.protobuf.ByteString;
import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.ingest.NpyColumn;
import dev.vectorvault.query.ColumnBatch;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class NumpyBatches extends ImportBatches {
    private final Collection collection;
    private final Map<String, NpyColumn> columns = new LinkedHashMap<>();
    private final Map<String, FieldSchema> fields = new LinkedHashMap<>();
    private final int rowsPerBatch;
    private long left;

    NumpyBatches(Collection collection, List<Path> files, List<String> names, long batchBytes) {
        this.collection = collection;
        long rowBytes = 0;
        long rows = -1;
        try {
            for (int i = 0; i < files.size(); i++) {
                String name = names.get(i);
                String fieldName = Path.of(name).getFileName().toString().replaceFirst("\\.npy$", "");
                FieldSchema field = field(fieldName, name);
                if (columns.containsKey(field.name())) {
                    throw failed("field " + field.name() + " is given by more than one file");
                }
                NpyColumn column = new NpyColumn(input(files.get(i), name), name);
                columns.put(field.name(), column);
                fields.put(field.name(), field);
                checkType(field, column, name);
                if (rows >= 0 && column.rows() != rows) {
                    throw failed("the files hold different numbers of rows (" + rows + " and " + column.rows()
                            + " in " + name + ")");
                }
                rows = column.rows();
                rowBytes += column.rowBytes();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.left = rows;
        this.rowsPerBatch = (int) Math.max(1, Math.min(100_000, batchBytes / Math.max(1, rowBytes)));
    }

    private FieldSchema field(String fieldName, String file) {
        FieldSchema field = collection.schema().field(fieldName).orElseThrow(() -> failed("file " + file
                + " names field " + fieldName + ", which collection " + collection.name() + " does not have"));
        if (field.primaryKey() && field.autoId()) {
            throw failed("the primary key " + fieldName + " is auto-generated (autoID); leave out " + file);
        }
        return field;
    }

    private static void checkType(FieldSchema field, NpyColumn column, String file) {
        String type = column.type();
        boolean fits = switch (field.dataType()) {
            case BOOL -> type.equals("b1") && column.width() == 0;
            case INT8 -> type.equals("i1") && column.width() == 0;
            case INT16 -> type.equals("i2") && column.width() == 0;
            case INT32 -> type.equals("i4") && column.width() == 0;
            case INT64 -> type.equals("i8") && column.width() == 0;
            case FLOAT -> type.equals("f4") && column.width() == 0;
            case DOUBLE -> type.equals("f8") && column.width() == 0;
            case VARCHAR, JSON -> type.equals("U");
            case FLOAT_VECTOR -> (type.equals("f4") || type.equals("f8")) && column.width() == field.dim();
            case BINARY_VECTOR -> type.equals("u1") && column.width() * 8 == field.dim();
            default -> throw failed("field " + field.name() + " of type " + field.dataType()
                    + " cannot be imported from NumPy files here; use a JSON file");
        };
        if (!fits) {
            throw failed("file " + file + " holds " + type + (column.width() > 0 ? " rows of "
                    + column.width() : " values") + ", which does not fit field " + field.name() + " ("
                    + field.dataType() + (field.dataType().isVector() ? ", dim " + field.dim() : "") + ")");
        }
    }

    @Override
    ColumnBatch next() {
        if (left <= 0) {
            return null;
        }
        int count = (int) Math.min(rowsPerBatch, left);
        left -= count;
        List<FieldData> data = new ArrayList<>();
        columns.forEach((name, column) -> data.add(fieldData(fields.get(name), column.next(count))));
        return DataRpc.batch(collection, data, count);
    }

    private static FieldData fieldData(FieldSchema field, List<Object> values) {
        FieldData.Builder out = FieldData.newBuilder().setFieldName(field.name());
        if (field.dynamic()) {
            return out.setType(io.milvus.grpc.DataType.JSON).setIsDynamic(true)
                    .setScalars(ScalarField.newBuilder().setJsonData(json(values))).build();
        }
        out.setType(SchemaMapper.protoType(field.dataType()));
        ScalarField.Builder scalars = ScalarField.newBuilder();
        switch (field.dataType()) {
            case BOOL -> scalars.setBoolData(BoolArray.newBuilder().addAllData(values.stream()
                    .map(Boolean.class::cast).toList()));
            case INT8, INT16, INT32 -> scalars.setIntData(IntArray.newBuilder().addAllData(values.stream()
                    .map(v -> (int) (long) (Long) v).toList()));
            case INT64 -> scalars.setLongData(LongArray.newBuilder().addAllData(values.stream()
                    .map(Long.class::cast).toList()));
            case FLOAT -> scalars.setFloatData(FloatArray.newBuilder().addAllData(values.stream()
                    .map(v -> (float) (double) (Double) v).toList()));
            case DOUBLE -> scalars.setDoubleData(DoubleArray.newBuilder().addAllData(values.stream()
                    .map(Double.class::cast).toList()));
            case VARCHAR -> scalars.setStringData(StringArray.newBuilder().addAllData(values.stream()
                    .map(String.class::cast).toList()));
            case JSON -> scalars.setJsonData(json(values));
            case FLOAT_VECTOR -> {
                FloatArray.Builder floats = FloatArray.newBuilder();
                for (Object v : values) {
                    if (v instanceof float[] f) {
                        for (float x : f) {
                            floats.addData(x);
                        }
                    } else {
                        for (double x : (double[]) v) {
                            floats.addData((float) x);
                        }
                    }
                }
                return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setFloatVector(floats)).build();
            }
            case BINARY_VECTOR -> {
                ByteString bits = ByteString.EMPTY;
                for (Object v : values) {
                    bits = bits.concat(ByteString.copyFrom((byte[]) v));
                }
                return out.setVectors(VectorField.newBuilder().setDim(field.dim()).setBinaryVector(bits)).build();
            }
            default -> throw new IllegalStateException("checked when the file was opened");
        }
        return out.setScalars(scalars).build();
    }

    private static JSONArray json(List<Object> values) {
        JSONArray.Builder json = JSONArray.newBuilder();
        values.forEach(v -> json.addData(ByteString.copyFromUtf8((String) v)));
        return json.build();
    }

    private static MilvusException failed(String why) {
        return new MilvusException(ErrorCode.IMPORT_FAILED, why);
    }

    @Override
    public void close() {
        columns.values().forEach(NpyColumn::close);
    }
}
