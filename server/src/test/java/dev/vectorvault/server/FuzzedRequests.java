package dev.vectorvault.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.List;

/**
 * Turns fuzz data into a request message: a valid seed for the method, then field edits chosen by the data (values
 * drawn mostly from the names and keys the seeded server knows, so edits reach past "not found"), optionally merged
 * with raw fuzz bytes parsed as the request type. Byte fields that carry an encoded message (a collection schema, a
 * placeholder group) get a mutated message of that type rather than noise.
 */
final class FuzzedRequests {
    private static final int MAX_DEPTH = 4;
    private static final int MAX_REPEATED = 3;

    /** Names, keys and expressions the seeded server knows; the fuzzer combines them. */
    private static final List<String> WORDS = List.of(
            "", "c", "v", "id", "n", "s", "j", "c2", "p1", "_default", "alias1", "default", "db2", "nodb",
            RpcFuzzServer.USER, RpcFuzzServer.ROLE, "root", "admin", "public", "*", "Global", "Collection", "User",
            "Database", "Query", "Search", "Insert", "Delete", "Upsert", "Load", "Release", "CreateCollection",
            "DropCollection", "CreateIndex", "DescribeCollection", "ShowCollections", "CreateOwnership",
            "ManageOwnership", "UpdateUser", "SelectUser", "ClusterAdmin", "ClusterReadOnly", "CollectionAdmin",
            "dim", "4", "8", "0", "-1", "100000", "index_type", "FLAT", "HNSW", "IVF_FLAT", "AUTOINDEX",
            "metric_type", "L2", "IP", "COSINE", "anns_field", "topk", "10", "params", "{\"nprobe\": 8}",
            "{\"ef\": 64}", "offset", "limit", "round_decimal", "group_by_field", "radius", "range_filter",
            "max_length", "16", "nlist", "M", "efConstruction", "mmap.enabled", "collection.ttl.seconds",
            "id > 1", "id in [1, 2, 3]", "n == 3", "s like \"a%\"", "s == {x}", "j[\"k\"] > 1", "not (id < 0)",
            "id > {x} and n < 5", "count(*)", "$0", "x", "{\"x\": 1}", "{\"x\": [1, 2]}", "true", "false",
            "ignore_growing", "iterator", "consistency_level", "Strong", "Bounded");

    private FuzzedRequests() {}

    static Message build(Message seed, FuzzedDataProvider data) {
        Message.Builder builder = seed.toBuilder();
        int mode = data.consumeInt(0, 3);
        if (mode != 1) {
            edit(builder, data, 0);
        }
        if (mode >= 1) {
            byte[] raw = data.consumeBytes(data.consumeInt(0, 2048));
            try {
                builder.mergeFrom(raw);
            } catch (InvalidProtocolBufferException e) {
                // not a message of this type: keep the edited seed
            }
        }
        return builder.build();
    }

    private static void edit(Message.Builder builder, FuzzedDataProvider data, int depth) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        if (fields.isEmpty()) {
            return;
        }
        int edits = data.consumeInt(0, depth == 0 ? 6 : 3);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            FieldDescriptor field = fields.get(data.consumeInt(0, fields.size() - 1));
            int action = data.consumeInt(0, 3);
            if (action == 0) {
                builder.clearField(field);
            } else if (field.isRepeated()) {
                if (action == 1) {
                    builder.clearField(field);
                }
                int count = data.consumeInt(1, MAX_REPEATED);
                for (int k = 0; k < count; k++) {
                    builder.addRepeatedField(field, value(builder, field, data, depth));
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && action == 3) {
                // getFieldBuilder is not supported for every message field; edit a copy and set it back
                Message.Builder nested = ((Message) builder.getField(field)).toBuilder();
                edit(nested, data, depth + 1);
                builder.setField(field, nested.build());
            } else {
                builder.setField(field, value(builder, field, data, depth));
            }
        }
    }

    private static Object value(Message.Builder builder, FieldDescriptor field, FuzzedDataProvider data, int depth) {
        return switch (field.getJavaType()) {
            case INT -> data.consumeBoolean() ? data.consumeInt(-2, 16) : data.consumeInt();
            case LONG -> data.consumeBoolean() ? (long) data.consumeInt(-2, 16) : data.consumeLong();
            case FLOAT -> data.consumeBoolean() ? (float) data.consumeInt(-2, 16) : data.consumeFloat();
            case DOUBLE -> data.consumeBoolean() ? (double) data.consumeInt(-2, 16) : data.consumeDouble();
            case BOOLEAN -> data.consumeBoolean();
            case STRING -> string(data);
            case BYTE_STRING -> bytes(field, data, depth);
            case ENUM -> enumValue(field, data);
            case MESSAGE -> {
                Message.Builder nested = builder.newBuilderForField(field);
                if (depth < MAX_DEPTH) {
                    edit(nested, data, depth + 1);
                }
                yield nested.build();
            }
        };
    }

    static String string(FuzzedDataProvider data) {
        return data.consumeInt(0, 7) == 0 ? data.consumeString(64) : data.pickValue(WORDS);
    }

    private static ByteString bytes(FieldDescriptor field, FuzzedDataProvider data, int depth) {
        Message template = switch (field.getName()) {
            case "schema" -> RpcFuzzServer.seedSchema();
            case "placeholder_group" -> RpcFuzzServer.seedPlaceholders();
            default -> null;
        };
        if (template != null && depth < MAX_DEPTH && data.consumeBoolean()) {
            Message.Builder nested = template.toBuilder();
            edit(nested, data, depth + 1);
            return nested.build().toByteString();
        }
        if (template != null && data.consumeBoolean()) {
            return template.toByteString();
        }
        return ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 64)));
    }

    private static EnumValueDescriptor enumValue(FieldDescriptor field, FuzzedDataProvider data) {
        List<EnumValueDescriptor> values = field.getEnumType().getValues();
        if (data.consumeInt(0, 15) == 0) {
            // an enum number the client does not know, as a newer (or hostile) client could send
            return field.getEnumType().findValueByNumberCreatingIfUnknown(data.consumeInt(-1, 1000));
        }
        return values.get(data.consumeInt(0, values.size() - 1));
    }
}
