package dev.vectorvault.server;

import dev.vectorvault.common.JsonValues;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.TemplateArrayValue;
import io.milvus.grpc.TemplateValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Filter template values ({@code expr_template_values}) as plain Java values. */
final class Templates {
    private Templates() {}

    static Map<String, Object> of(Map<String, TemplateValue> values) {
        Map<String, Object> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    private static Object value(TemplateValue v) {
        return switch (v.getValCase()) {
            case BOOL_VAL -> v.getBoolVal();
            case INT64_VAL -> v.getInt64Val();
            case FLOAT_VAL -> v.getFloatVal();
            case STRING_VAL -> v.getStringVal();
            case ARRAY_VAL -> array(v.getArrayVal());
            default -> throw MilvusException.invalidParameter("empty template value");
        };
    }

    private static List<Object> array(TemplateArrayValue a) {
        List<Object> out = new ArrayList<>();
        switch (a.getDataCase()) {
            case BOOL_DATA -> out.addAll(a.getBoolData().getDataList());
            case LONG_DATA -> out.addAll(a.getLongData().getDataList());
            case DOUBLE_DATA -> out.addAll(a.getDoubleData().getDataList());
            case STRING_DATA -> out.addAll(a.getStringData().getDataList());
            case ARRAY_DATA -> a.getArrayData().getDataList().forEach(x -> out.add(array(x)));
            case JSON_DATA -> a.getJsonData().getDataList().forEach(b -> out.add(JsonValues.parse(b.toByteArray())));
            default -> { }
        }
        return out;
    }
}
