package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.AlterRoleRequest;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteCredentialRequest;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.ObjectEntity;
import io.milvus.grpc.OperatePrivilegeRequest;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SelectGrantRequest;
import io.milvus.grpc.SelectUserRequest;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.Status;
import io.milvus.grpc.UserEntity;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** RBAC enforced on the wire: the server on a loopback port, driven with raw gRPC stubs as several users. */
@Timeout(60)
class RbacEndpointTest {
    private static final String PASSWORD = "Secret_123";

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dataDir;
    private LoopbackServer server;
    private io.grpc.Channel channel;
    private MilvusServiceBlockingStub root;

    private void start(boolean auth) throws Exception {
        start(auth, Map.of());
    }

    private void start(boolean auth, Map<String, String> extraKeys) throws Exception {
        Map<String, String> keys = new HashMap<>(extraKeys);
        keys.put("common.security.authorizationEnabled", String.valueOf(auth));
        server = LoopbackServer.start(dataDir, keys);
        channel = server.channel();
        root = as("root", "Milvus");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MilvusServiceBlockingStub as(String user, String password) {
        return asIn(user, password, "default");
    }

    private MilvusServiceBlockingStub asIn(String user, String password, String database) {
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), database));
    }

    // ---- fixtures

    private void createUser(String name) {
        ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername(name)
                .setPassword(Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))).build()));
    }

    private void createRoleFor(String role, String user) {
        ok(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName(role)).build()));
        ok(root.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername(user).setRoleName(role)
                .setType(OperateUserRoleType.AddUserToRole).build()));
    }

    private static OperatePrivilegeRequest v1(OperatePrivilegeType type, String role, String objectType,
                                              String object, String privilege, String database) {
        return OperatePrivilegeRequest.newBuilder().setType(type).setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName(role))
                .setObject(ObjectEntity.newBuilder().setName(objectType))
                .setObjectName(object)
                .setDbName(database)
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder().setName(privilege))))
                .build();
    }

    private void createCollection(MilvusServiceBlockingStub stub, String database, String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("4")))
                .build();
        ok(stub.createCollection(CreateCollectionRequest.newBuilder().setDbName(database).setCollectionName(name)
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
    }

    private static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }

    private static void denied(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo(message);
        });
    }

    /** The audit lines written while {@code calls} ran. */
    private static List<String> auditedDuring(Runnable calls) {
        Logger audit = (Logger) LoggerFactory.getLogger("audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try {
            calls.run();
        } finally {
            audit.detachAppender(lines);
        }
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static io.milvus.grpc.HybridSearchRequest hybrid(String collection) {
        return io.milvus.grpc.HybridSearchRequest.newBuilder().setCollectionName(collection).build();
    }

    private static SearchRequest search(String collection) {
        return SearchRequest.newBuilder().setCollectionName(collection).build();
    }

    // ---- tests

    @Test
    void userWithoutGrantsIsDeniedWithMilvusMessageAndTheDenialIsAudited() throws Exception {
        start(true);
        createUser("alice");
        List<String> lines = auditedDuring(() -> {
            MilvusServiceBlockingStub alice = as("alice", PASSWORD);
            denied(() -> alice.insert(InsertRequest.newBuilder().setCollectionName("c1").build()),
                    "PrivilegeInsert: permission deny to alice in the `default` database");
            denied(() -> alice.createRole(CreateRoleRequest.newBuilder()
                    .setEntity(RoleEntity.newBuilder().setName("mine")).build()),
                    "PrivilegeCreateOwnership: permission deny to alice in the `default` database");
        });
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("event=permission_denied", "action=Insert",
                        "actor=\"alice\"", "object=\"Collection:default.c1\"", "privilege=PrivilegeInsert"));
    }

    @Test
    void grantOnOneCollectionAllowsOnlyThatAndRevokeTakesEffectOnTheNextCall() throws Exception {
        start(true);
        createUser("alice");
        createRoleFor("searcher", "alice");
        ok(root.operatePrivilege(v1(OperatePrivilegeType.Grant, "searcher", "Collection", "c1", "Search", "")));
        MilvusServiceBlockingStub alice = as("alice", PASSWORD);

        // Allowed: the handler runs and answers in its Status (this empty request is invalid, which is its business).
        assertThat(alice.search(search("c1")).getStatus().getCode()).isEqualTo(1100);
        denied(() -> alice.search(search("c2")), "PrivilegeSearch: permission deny to alice in the `default` database");
        denied(() -> alice.insert(InsertRequest.newBuilder().setCollectionName("c1").build()),
                "PrivilegeInsert: permission deny to alice in the `default` database");
        // HybridSearch needs Search, as in Milvus.
        assertThat(alice.hybridSearch(hybrid("c1")).getStatus().getCode()).isEqualTo(1100);
        denied(() -> alice.hybridSearch(hybrid("c2")),
                "PrivilegeSearch: permission deny to alice in the `default` database");

        ok(root.operatePrivilege(v1(OperatePrivilegeType.Revoke, "searcher", "Collection", "c1", "Search", "")));
        denied(() -> alice.search(search("c1")), "PrivilegeSearch: permission deny to alice in the `default` database");
        denied(() -> alice.hybridSearch(hybrid("c1")),
                "PrivilegeSearch: permission deny to alice in the `default` database");
    }

    @Test
    void grantsAreScopedToTheirDatabase() throws Exception {
        start(true);
        ok(root.createDatabase(CreateDatabaseRequest.newBuilder().setDbName("db1").build()));
        createUser("alice");
        createRoleFor("reader", "alice");
        ok(root.operatePrivilegeV2(OperatePrivilegeV2Request.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("reader"))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder()
                        .setName("CollectionReadOnly")))
                .setType(OperatePrivilegeType.Grant).setDbName("db1").setCollectionName("*").build()));

        assertThat(asIn("alice", PASSWORD, "db1").query(QueryRequest.newBuilder().setCollectionName("c1").build())
                .getStatus().getCode()).isEqualTo(100);
        denied(() -> as("alice", PASSWORD).query(QueryRequest.newBuilder().setCollectionName("c1").build()),
                "PrivilegeQuery: permission deny to alice in the `default` database");
        // A body naming another database is checked there, whatever the header says.
        denied(() -> asIn("alice", PASSWORD, "db1").query(QueryRequest.newBuilder().setDbName("default")
                .setCollectionName("c1").build()),
                "PrivilegeQuery: permission deny to alice in the `default` database");
    }

    @Test
    void listingsShowOnlyWhatTheCallerWasGranted() throws Exception {
        start(true);
        createCollection(root, "default", "c1");
        createCollection(root, "default", "c2");
        createUser("alice");
        MilvusServiceBlockingStub alice = as("alice", PASSWORD);
        assertThat(alice.showCollections(ShowCollectionsRequest.getDefaultInstance()).getCollectionNamesList())
                .isEmpty();
        assertThat(alice.listDatabases(ListDatabasesRequest.getDefaultInstance()).getDbNamesList()).isEmpty();

        createRoleFor("reader", "alice");
        ok(root.operatePrivilege(v1(OperatePrivilegeType.Grant, "reader", "Collection", "c1", "Query", "default")));
        assertThat(alice.showCollections(ShowCollectionsRequest.getDefaultInstance()).getCollectionNamesList())
                .containsExactly("c1");
        assertThat(alice.listDatabases(ListDatabasesRequest.getDefaultInstance()).getDbNamesList())
                .containsExactly("default");
        assertThat(alice.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c1").build())
                .getStatus().getCode()).isZero();
        Status hidden = alice.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c2")
                .build()).getStatus();
        assertThat(hidden.getCode()).isEqualTo(1401);
        assertThat(hidden.getReason())
                .isEqualTo("not allowed to access collection, collection name: c2: privilege not permitted");
        assertThat(root.showCollections(ShowCollectionsRequest.getDefaultInstance()).getCollectionNamesList())
                .containsExactlyInAnyOrder("c1", "c2");
    }

    @Test
    void usersMayReadTheirOwnRolesGrantsButNotOthers() throws Exception {
        start(true);
        createUser("alice");
        createRoleFor("searcher", "alice");
        ok(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("other"))
                .build()));
        ok(root.operatePrivilege(v1(OperatePrivilegeType.Grant, "searcher", "Collection", "c1", "Search", "")));
        MilvusServiceBlockingStub alice = as("alice", PASSWORD);

        var grants = alice.selectGrant(SelectGrantRequest.newBuilder().setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("searcher"))).build());
        assertThat(grants.getStatus().getCode()).isZero();
        assertThat(grants.getEntitiesList()).singleElement().satisfies(g -> {
            assertThat(g.getObject().getName()).isEqualTo("Collection");
            assertThat(g.getObjectName()).isEqualTo("c1");
            assertThat(g.getDbName()).isEqualTo("default");
            assertThat(g.getGrantor().getPrivilege().getName()).isEqualTo("Search");
            assertThat(g.getGrantor().getUser().getName()).isEqualTo("root");
        });
        denied(() -> alice.selectGrant(SelectGrantRequest.newBuilder().setEntity(GrantEntity.newBuilder()
                        .setRole(RoleEntity.newBuilder().setName("other"))).build()),
                "PrivilegeSelectOwnership: permission deny to alice in the `default` database");
        var self = alice.selectUser(SelectUserRequest.newBuilder().setUser(UserEntity.newBuilder().setName("alice"))
                .setIncludeRoleInfo(true).build());
        assertThat(self.getResultsList()).singleElement().satisfies(u ->
                assertThat(u.getRolesList()).extracting(RoleEntity::getName).containsExactly("searcher"));
        denied(() -> alice.selectUser(SelectUserRequest.newBuilder().setUser(UserEntity.newBuilder().setName("root"))
                        .build()),
                "PrivilegeSelectUser: permission deny to alice in the `default` database");
    }

    @Test
    void aDeletedUserRecreatedUnderTheSameNameHasNoRoles() throws Exception {
        start(true);
        createUser("alice");
        createRoleFor("searcher", "alice");
        ok(root.deleteCredential(DeleteCredentialRequest.newBuilder().setUsername("alice").build()));
        createUser("alice");
        var result = root.selectUser(SelectUserRequest.newBuilder().setUser(UserEntity.newBuilder().setName("alice"))
                .setIncludeRoleInfo(true).build());
        assertThat(result.getResultsList()).singleElement().satisfies(u -> assertThat(u.getRolesList()).isEmpty());
    }

    @Test
    void withAuthenticationOffNothingIsEnforcedButGrantsAreStored() throws Exception {
        start(false);
        MilvusServiceBlockingStub anyone = MilvusServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        ok(anyone.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("r1"))
                .build()));
        ok(anyone.operatePrivilege(v1(OperatePrivilegeType.Grant, "r1", "Global", "*", "CreateCollection", "")));
        assertThat(anyone.insert(InsertRequest.newBuilder().setCollectionName("c1").build()).getStatus().getCode())
                .isEqualTo(100);
        var grants = anyone.selectGrant(SelectGrantRequest.newBuilder().setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("r1"))).build());
        assertThat(grants.getEntitiesList()).extracting(g -> g.getGrantor().getUser().getName())
                .containsExactly("root");
    }

    @Test
    void aBuiltInGroupRedefinedByConfigurationGrantsItsConfiguredMembersOnly() throws Exception {
        start(true, Map.of("common.security.rbac.collection.readonly.privileges", "Query, GetLoadState"));
        createUser("alice");
        createRoleFor("reader", "alice");
        ok(root.operatePrivilegeV2(OperatePrivilegeV2Request.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("reader"))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder()
                        .setName("CollectionReadOnly")))
                .setType(OperatePrivilegeType.Grant).setDbName("default").setCollectionName("*").build()));
        MilvusServiceBlockingStub alice = as("alice", PASSWORD);
        assertThat(alice.query(QueryRequest.newBuilder().setCollectionName("c1").build()).getStatus().getCode())
                .isEqualTo(100);
        denied(() -> alice.search(search("c1")), "PrivilegeSearch: permission deny to alice in the `default` database");
    }

    @Test
    void aGroupListNamingAnUnknownPrivilegeStopsStartUpAndNamesTheKey() {
        assertThatThrownBy(() -> start(true, Map.of("common.security.readwrite.privileges", "PrivilegeInsert,Fly")))
                .isInstanceOf(dev.vectorvault.config.ConfigException.class)
                .hasMessageContaining("common.security.readwrite.privileges")
                .hasMessageContaining("Fly");
    }

    @Test
    void rbacErrorsCarryMilvusCodes() throws Exception {
        start(true);
        Status duplicate = root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder()
                .setName("admin")).build());
        assertThat(List.of(duplicate.getCode(), duplicate.getErrorCodeValue())).containsExactly(65535, 35);
        assertThat(duplicate.getReason()).isEqualTo("role [name:\"admin\"] already exists");
        Status builtIn = root.dropRole(io.milvus.grpc.DropRoleRequest.newBuilder().setRoleName("public").build());
        assertThat(builtIn.getCode()).isEqualTo(1401);
        Status missing = root.operatePrivilege(v1(OperatePrivilegeType.Grant, "ghost", "Collection", "c1", "Search",
                ""));
        assertThat(List.of(missing.getCode(), missing.getErrorCodeValue())).containsExactly(65535, 41);
    }

    @Test
    void roleDescriptionsGoInWithCreateRoleChangeWithAlterRoleAndComeBackInSelectRoleAndBackup() throws Exception {
        start(true);
        createUser("alice");
        List<String> lines = auditedDuring(() -> {
            ok(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("analyst")
                    .setDescription("reads reports")).build()));
            assertThat(describedAs(root, "analyst")).isEqualTo("reads reports");
            ok(root.alterRole(AlterRoleRequest.newBuilder().setRoleName("analyst")
                    .setDescription("reads and exports reports").build()));
            assertThat(describedAs(root, "analyst")).isEqualTo("reads and exports reports");
            assertThat(root.backupRBAC(io.milvus.grpc.BackupRBACMetaRequest.newBuilder().build()).getRBACMeta()
                    .getRolesList()).containsExactly(RoleEntity.newBuilder().setName("analyst")
                    .setDescription("reads and exports reports").build());

            denied(() -> as("alice", PASSWORD).alterRole(AlterRoleRequest.newBuilder().setRoleName("analyst")
                    .setDescription("mine now").build()),
                    "PrivilegeCreateOwnership: permission deny to alice in the `default` database");
            assertThat(describedAs(root, "analyst")).isEqualTo("reads and exports reports");
        });
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("role_altered", "actor=\"root\"",
                        "role=analyst description=reads and exports reports"));

        Status missing = root.alterRole(AlterRoleRequest.newBuilder().setRoleName("ghost").setDescription("x")
                .build());
        assertThat(List.of(missing.getCode(), missing.getErrorCodeValue())).containsExactly(65535, 1);
        assertThat(missing.getReason()).isEqualTo("role not exists");
        Status builtIn = root.alterRole(AlterRoleRequest.newBuilder().setRoleName("admin").build());
        assertThat(builtIn.getCode()).isEqualTo(1401);
        Status tooLong = root.alterRole(AlterRoleRequest.newBuilder().setRoleName("analyst")
                .setDescription("x".repeat(1025)).build());
        assertThat(List.of(tooLong.getCode(), tooLong.getErrorCodeValue())).containsExactly(1100, 5);
    }

    private static String describedAs(MilvusServiceBlockingStub stub, String role) {
        io.milvus.grpc.SelectRoleResponse response = stub.selectRole(io.milvus.grpc.SelectRoleRequest.newBuilder()
                .setRole(RoleEntity.newBuilder().setName(role)).build());
        ok(response.getStatus());
        assertThat(response.getResultsList()).hasSize(1);
        return response.getResults(0).getRole().getDescription();
    }

    // ---- issue 10 finding 5: ManageOwnership in one database is not admin

    private static OperatePrivilegeV2Request v2(String role, String privilege, String database, String collection) {
        return OperatePrivilegeV2Request.newBuilder().setRole(RoleEntity.newBuilder().setName(role))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder().setName(privilege)))
                .setType(OperatePrivilegeType.Grant).setDbName(database).setCollectionName(collection).build();
    }

    @Test
    void manageOwnershipInOneDatabaseCannotReachAdminOtherDatabasesOrTheCluster() throws Exception {
        start(true);
        createUser("owner");
        createRoleFor("db1_owner", "owner");
        ok(root.operatePrivilege(v1(OperatePrivilegeType.Grant, "db1_owner", "Global", "*", "ManageOwnership",
                "db1")));
        ok(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("team"))
                .build()));
        MilvusServiceBlockingStub owner = asIn("owner", PASSWORD, "db1");

        Status toAdmin = owner.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername("owner")
                .setRoleName("admin").setType(OperateUserRoleType.AddUserToRole).build());
        assertThat(toAdmin.getCode()).isEqualTo(1401);
        assertThat(toAdmin.getReason()).contains("only admin or root may bind users to or remove them from role"
                + " [admin]");
        denied(() -> owner.operatePrivilegeV2(v2("team", "Insert", "db2", "c1")),
                "PrivilegeManageOwnership: permission deny to owner in the `db2` database");
        denied(() -> owner.operatePrivilegeV2(v2("team", "DatabaseAdmin", "*", "*")),
                "PrivilegeManageOwnership: permission deny to owner in the `*` database");
        Status cluster = owner.operatePrivilegeV2(v2("team", "CreateDatabase", "db1", "*"));
        assertThat(cluster.getCode()).isEqualTo(1401);
        assertThat(cluster.getReason()).contains("cluster-level privilege [CreateDatabase]");
        // v1 names the database inside the grant entity: checked where the grant goes, too.
        denied(() -> owner.operatePrivilege(v1(OperatePrivilegeType.Grant, "team", "Collection", "c1", "Insert",
                "db2")), "PrivilegeManageOwnership: permission deny to owner in the `db2` database");

        // Within its database it still manages grants and bindings.
        ok(owner.operatePrivilegeV2(v2("team", "Insert", "db1", "c1")));
        ok(owner.operatePrivilegeV2(v2("team", "DatabaseReadWrite", "", "*")));
        ok(owner.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername("owner").setRoleName("team")
                .setType(OperateUserRoleType.AddUserToRole).build()));
        denied(() -> owner.createDatabase(CreateDatabaseRequest.newBuilder().setDbName("mine").build()),
                "PrivilegeCreateDatabase: permission deny to owner in the `mine` database");
        var roles = root.selectUser(SelectUserRequest.newBuilder().setUser(UserEntity.newBuilder().setName("owner"))
                .setIncludeRoleInfo(true).build());
        assertThat(roles.getResultsList()).singleElement().satisfies(u -> assertThat(u.getRolesList())
                .extracting(RoleEntity::getName).containsExactlyInAnyOrder("db1_owner", "team"));
    }
}
