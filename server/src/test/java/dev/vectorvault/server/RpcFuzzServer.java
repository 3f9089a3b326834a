package dev.vectorvault.server;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteCredentialRequest;
import io.milvus.grpc.DropAliasRequest;
import io.milvus.grpc.DropCollectionRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropPrivilegeGroupRequest;
import io.milvus.grpc.DropRoleRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListAliasesRequest;
import io.milvus.grpc.ListCredUsersRequest;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.ListPrivilegeGroupsRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.ObjectEntity;
import io.milvus.grpc.OperatePrivilegeRequest;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.RoleResult;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SelectRoleRequest;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.Status;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole server (every interceptor, authentication on) on a loopback port, started once per JVM for the RPC fuzz
 * target, with root, a non-root user holding a role with a few privileges on the seeded collection {@code c}
 * (Int64 key {@code id}, 4-dim float vector {@code v} with a FLAT index, Int64 {@code n}, VarChar {@code s}, JSON
 * {@code j}; a few rows; loaded). {@link #reset()} drops whatever the fuzzer created and seeds again, which keeps
 * the state (and memory) bounded and undoes destructive calls.
 */
final class RpcFuzzServer {
    static final String USER = "fuzzer";
    static final String ROLE = "fuzz_role";
    static final String PASSWORD = "Fuzz_Secret_123";
    static final int DIM = 4;
    private static final int ROWS = 5;
    private static final Set<String> BUILT_IN_ROLES = Set.of("admin", "public");

    private final LoopbackServer server;
    private final Path dataDir;

    private RpcFuzzServer(LoopbackServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static RpcFuzzServer start() {
        // Jazzer's SSRF detector refuses every socket connection unless allowed; ours go to our own loopback port.
        @SuppressWarnings({"resource", "unused"})
        var loopbackOnly = BugDetectors.allowNetworkConnections(
                (host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        try {
            Path dir = Files.createTempDirectory("vv-rpc-fuzz");
            LoopbackServer server = LoopbackServer.start(dir, Map.of(
                    "common.security.authorizationEnabled", "true"));
            RpcFuzzServer fuzz = new RpcFuzzServer(server, dir);
            Runtime.getRuntime().addShutdownHook(new Thread(fuzz::close));
            fuzz.seed();
            return fuzz;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the server for fuzzing", e);
        }
    }

    /** A channel sending {@code user}'s credentials (null: no authorization header) and {@code database}. */
    Channel channelAs(String user, String password, String database) {
        if (user == null) {
            return server.channel();
        }
        return ClientInterceptors.intercept(server.channel(),
                new WireHeaders(WireHeaders.basic(user, password), database));
    }

    /** A stub for one call as root (a stub's deadline starts when the stub is made). */
    MilvusServiceBlockingStub root() {
        return MilvusServiceGrpc.newBlockingStub(channelAs("root", "Milvus", null))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Drops every database, collection, alias, user, role and privilege group the fuzzer made; seeds again. */
    void reset() {
        for (String db : root().listDatabases(ListDatabasesRequest.getDefaultInstance()).getDbNamesList()) {
            for (String alias : root().listAliases(ListAliasesRequest.newBuilder().setDbName(db).build())
                    .getAliasesList()) {
                quietly(() -> root().dropAlias(DropAliasRequest.newBuilder().setDbName(db).setAlias(alias).build()));
            }
            for (String collection : root().showCollections(ShowCollectionsRequest.newBuilder().setDbName(db).build())
                    .getCollectionNamesList()) {
                quietly(() -> root().dropCollection(DropCollectionRequest.newBuilder().setDbName(db)
                        .setCollectionName(collection).build()));
            }
            if (!db.equals("default")) {
                quietly(() -> root().dropDatabase(DropDatabaseRequest.newBuilder().setDbName(db).build()));
            }
        }
        for (String user : root().listCredUsers(ListCredUsersRequest.getDefaultInstance()).getUsernamesList()) {
            if (!user.equals("root")) {
                quietly(() -> root().deleteCredential(DeleteCredentialRequest.newBuilder().setUsername(user).build()));
            }
        }
        for (RoleResult role : root().selectRole(SelectRoleRequest.getDefaultInstance()).getResultsList()) {
            String name = role.getRole().getName();
            if (!BUILT_IN_ROLES.contains(name)) {
                quietly(() -> root().dropRole(DropRoleRequest.newBuilder().setRoleName(name).setForceDrop(true)
                        .build()));
            }
        }
        root().listPrivilegeGroups(ListPrivilegeGroupsRequest.getDefaultInstance()).getPrivilegeGroupsList()
                .forEach(group -> quietly(() -> root().dropPrivilegeGroup(DropPrivilegeGroupRequest.newBuilder()
                        .setGroupName(group.getGroupName()).build())));
        seed();
    }

    private void seed() {
        ok(root().createCollection(CreateCollectionRequest.newBuilder().setCollectionName("c")
                .setSchema(seedSchema().toByteString()).build()));
        ok(root().insert(seedInsert().build()).getStatus());
        ok(root().createIndex(CreateIndexRequest.newBuilder().setCollectionName("c").setFieldName("v")
                .addExtraParams(pair("index_type", "FLAT")).addExtraParams(pair("metric_type", "L2")).build()));
        ok(root().loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c").build()));
        ok(root().createCredential(CreateCredentialRequest.newBuilder().setUsername(USER)
                .setPassword(Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))).build()));
        ok(root().createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName(ROLE)).build()));
        ok(root().operateUserRole(OperateUserRoleRequest.newBuilder().setUsername(USER).setRoleName(ROLE)
                .setType(OperateUserRoleType.AddUserToRole).build()));
        for (String privilege : List.of("Query", "Search", "Insert", "Delete")) {
            ok(root().operatePrivilege(OperatePrivilegeRequest.newBuilder().setType(OperatePrivilegeType.Grant)
                    .setEntity(GrantEntity.newBuilder().setRole(RoleEntity.newBuilder().setName(ROLE))
                            .setObject(ObjectEntity.newBuilder().setName("Collection")).setObjectName("c")
                            .setDbName("default")
                            .setGrantor(GrantorEntity.newBuilder()
                                    .setPrivilege(PrivilegeEntity.newBuilder().setName(privilege))))
                    .build()));
        }
    }

    static CollectionSchema seedSchema() {
        return CollectionSchema.newBuilder().setName("c")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(pair("dim", String.valueOf(DIM))))
                .addFields(FieldSchema.newBuilder().setName("n").setDataType(DataType.Int64))
                .addFields(FieldSchema.newBuilder().setName("s").setDataType(DataType.VarChar)
                        .addTypeParams(pair("max_length", "16")))
                .addFields(FieldSchema.newBuilder().setName("j").setDataType(DataType.JSON))
                .build();
    }

    /** An insert of {@value #ROWS} rows into {@code c}: id = i, v = [i, i, i, i], n = i % 3, s = "a" + i, j = {"k": i}. */
    static InsertRequest.Builder seedInsert() {
        LongArray.Builder ids = LongArray.newBuilder();
        LongArray.Builder ns = LongArray.newBuilder();
        StringArray.Builder ss = StringArray.newBuilder();
        io.milvus.grpc.JSONArray.Builder js = io.milvus.grpc.JSONArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = 0; i < ROWS; i++) {
            ids.addData(i);
            ns.addData(i % 3);
            ss.addData("a" + i);
            js.addData(ByteString.copyFromUtf8("{\"k\": " + i + "}"));
            for (int d = 0; d < DIM; d++) {
                vectors.addData(i);
            }
        }
        return InsertRequest.newBuilder().setCollectionName("c").setNumRows(ROWS)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(DIM).setFloatVector(vectors)))
                .addFieldsData(FieldData.newBuilder().setFieldName("n").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ns)))
                .addFieldsData(FieldData.newBuilder().setFieldName("s").setType(DataType.VarChar)
                        .setScalars(ScalarField.newBuilder().setStringData(ss)))
                .addFieldsData(FieldData.newBuilder().setFieldName("j").setType(DataType.JSON)
                        .setScalars(ScalarField.newBuilder().setJsonData(js)));
    }

    /** Two zero query vectors for {@code v}, tagged {@code $0}. */
    static PlaceholderGroup seedPlaceholders() {
        ByteString zero = ByteString.copyFrom(ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN).array());
        return PlaceholderGroup.newBuilder().addPlaceholders(PlaceholderValue.newBuilder().setTag("$0")
                .setType(PlaceholderType.FloatVector).addValues(zero).addValues(zero)).build();
    }

    static KeyValuePair pair(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    private static void ok(Status status) {
        if (status.getCode() != 0) {
            throw new IllegalStateException("seeding failed: " + status.getReason());
        }
    }

    /** Clean-up of what the fuzzer made may race its own half-finished state; what stays is retried next reset. */
    private static void quietly(java.util.function.Supplier<?> call) {
        try {
            call.get();
        } catch (StatusRuntimeException e) {
            // left for the next reset
        }
    }

    private void close() {
        server.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
