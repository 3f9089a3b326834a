package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.grpc.BackupRBACMetaResponse;
import io.milvus.grpc.PrivilegeGroupInfo;
import io.milvus.grpc.RBACMeta;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.UserInfo;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.database.request.CreateDatabaseReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.rbac.PrivilegeGroup;
import io.milvus.v2.service.rbac.request.AddPrivilegesToGroupReq;
import io.milvus.v2.service.rbac.request.AlterRoleReq;
import io.milvus.v2.service.rbac.request.CreatePrivilegeGroupReq;
import io.milvus.v2.service.rbac.request.CreateRoleReq;
import io.milvus.v2.service.rbac.request.CreateUserReq;
import io.milvus.v2.service.rbac.request.DescribeRoleReq;
import io.milvus.v2.service.rbac.request.DescribeUserReq;
import io.milvus.v2.service.rbac.request.DropPrivilegeGroupReq;
import io.milvus.v2.service.rbac.request.DropRoleReq;
import io.milvus.v2.service.rbac.request.GrantPrivilegeReq;
import io.milvus.v2.service.rbac.request.GrantPrivilegeReqV2;
import io.milvus.v2.service.rbac.request.GrantRoleReq;
import io.milvus.v2.service.rbac.request.ListPrivilegeGroupsReq;
import io.milvus.v2.service.rbac.request.RemovePrivilegesFromGroupReq;
import io.milvus.v2.service.rbac.request.RevokePrivilegeReqV2;
import io.milvus.v2.service.rbac.request.RevokeRoleReq;
import io.milvus.v2.service.rbac.response.DescribeRoleResp;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Milvus 2.6 RBAC with the official Java SDK v2 (MilvusClientV2) against the server as its own process: grants,
 * revokes, privilege groups, database scope, built-in roles, role descriptions (AlterRole), role and user
 * descriptions, per-user listing, persistence across restarts and backup / restore. One shared server; the restart and backup scenarios start their
 * own.
 */
@Timeout(300)
class JavaV2RbacTest {
    /** Every password used here starts with this, so the server log can be searched for leaks afterwards. */
    private static final String PW = "RbacPw_";
    private static final int DIM = 4;
    private static final String C1 = "rbac_c1";
    private static final String C2 = "rbac_c2";
    private static final String DB1 = "rbac_db1";
    private static final String DB1_COLLECTION = "rbac_in_db1";
    private static final List<String> BUILT_IN_GROUPS = List.of("ClusterReadOnly", "ClusterReadWrite",
            "ClusterAdmin", "DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin", "CollectionReadOnly",
            "CollectionReadWrite", "CollectionAdmin");

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusClientV2 root;
    private final List<MilvusClientV2> opened = new ArrayList<>();

    @BeforeAll
    static void startServerWithCollections() {
        // Each test makes its own roles; Milvus' default limit of 10 roles (admin and public included) is too few.
        server = ServerProcess.startWithAuth(dataDir, "proxy.maxRoleNum", "100");
        root = Clients.root(server);
        for (String name : List.of(C1, C2)) {
            root.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM).build());
            root.insert(InsertReq.builder().collectionName(name).data(rows(0, 5)).build());
        }
        root.createDatabase(CreateDatabaseReq.builder().databaseName(DB1).build());
        root.createCollection(CreateCollectionReq.builder().databaseName(DB1).collectionName(DB1_COLLECTION)
                .dimension(DIM).build());
        root.insert(InsertReq.builder().databaseName(DB1).collectionName(DB1_COLLECTION).data(rows(0, 5)).build());
    }

    @AfterAll
    static void stopServer() {
        if (root != null) {
            root.close();
        }
        if (server != null) {
            String log = server.log();
            server.close();
            assertNoPasswordIn(log);
        }
    }

    @AfterEach
    void closeClients() {
        opened.forEach(MilvusClientV2::close);
        opened.clear();
    }

    // ---- helpers

    private static void assertNoPasswordIn(String log) {
        assertThat(log).as("server log must never contain a password").doesNotContain(PW)
                .doesNotContain("UmJhY1B3"); // base64 of "RbacPw", as passwords travel on the wire
    }

    private static List<JsonObject> rows(int from, int count) {
        List<JsonObject> rows = new ArrayList<>();
        for (int id = from; id < from + count; id++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", (long) id);
            JsonArray vector = new JsonArray();
            for (int d = 0; d < DIM; d++) {
                vector.add((float) (id + 1) * (d + 1) / 10f);
            }
            row.add("vector", vector);
            rows.add(row);
        }
        return rows;
    }

    private static SearchResp search(MilvusClientV2 client, String collection) {
        return client.search(SearchReq.builder().collectionName(collection)
                .data(List.<BaseVector>of(new FloatVec(new float[] {0.1f, 0.2f, 0.3f, 0.4f}))).topK(3).build());
    }

    private static void insert(MilvusClientV2 client, String collection) {
        client.insert(InsertReq.builder().collectionName(collection).data(rows(1000, 1)).build());
    }

    private static long queryCount(MilvusClientV2 client, String collection) {
        return client.query(QueryReq.builder().collectionName(collection).filter("id >= 0").limit(100).build())
                .getQueryResults().size();
    }

    /** The call must be refused by RBAC; returns the SDK's message. */
    private static String denied(Runnable call) {
        try {
            call.run();
        } catch (MilvusClientException e) {
            assertThat(e.getMessage()).contains("permission deny");
            return e.getMessage();
        }
        throw new AssertionError("expected a permission denial");
    }

    /**
     * The SDK describes a collection before its first insert into it; for a collection the user cannot see, that
     * DescribeCollection is what refuses the call (as in Milvus).
     */
    private static void invisible(Runnable call, String collection) {
        assertThat(refused(call).getMessage())
                .contains("not allowed to access collection, collection name: " + collection);
    }

    private static MilvusClientException refused(Runnable call) {
        try {
            call.run();
        } catch (MilvusClientException e) {
            return e;
        }
        throw new AssertionError("expected the server to refuse the call");
    }

    private MilvusClientV2 newUserClient(String user, String... roles) {
        return newUserClient(server, user, roles);
    }

    private MilvusClientV2 newUserClient(ServerProcess target, String user, String... roles) {
        MilvusClientV2 admin = target == server ? root : Clients.root(target);
        admin.createUser(CreateUserReq.builder().userName(user).password(PW + user).build());
        for (String role : roles) {
            admin.grantRole(GrantRoleReq.builder().userName(user).roleName(role).build());
        }
        if (admin != root) {
            admin.close();
        }
        return as(target, user, null);
    }

    private MilvusClientV2 as(ServerProcess target, String user, String db) {
        MilvusClientV2 client = Clients.connect(target, b -> {
            b.username(user).password(PW + user);
            return db == null ? b : b.dbName(db);
        });
        opened.add(client);
        return client;
    }

    private static void createRole(MilvusClientV2 client, String role) {
        client.createRole(CreateRoleReq.builder().roleName(role).build());
    }

    private static void grantV2(MilvusClientV2 client, String role, String privilege, String db, String collection) {
        client.grantPrivilegeV2(GrantPrivilegeReqV2.builder().roleName(role).privilege(privilege).dbName(db)
                .collectionName(collection).build());
    }

    private static void revokeV2(MilvusClientV2 client, String role, String privilege, String db, String collection) {
        client.revokePrivilegeV2(RevokePrivilegeReqV2.builder().roleName(role).privilege(privilege).dbName(db)
                .collectionName(collection).build());
    }

    private static List<DescribeRoleResp.GrantInfo> grants(MilvusClientV2 client, String role, String db) {
        return client.describeRole(DescribeRoleReq.builder().roleName(role).dbName(db).build()).getGrantInfos();
    }

    private static List<String> groupNames(MilvusClientV2 client) {
        return client.listPrivilegeGroups(ListPrivilegeGroupsReq.builder().build()).getPrivilegeGroups().stream()
                .map(PrivilegeGroup::getGroupName).toList();
    }

    private static List<String> groupMembers(MilvusClientV2 client, String group) {
        return client.listPrivilegeGroups(ListPrivilegeGroupsReq.builder().build()).getPrivilegeGroups().stream()
                .filter(g -> g.getGroupName().equals(group)).findFirst().orElseThrow().getPrivileges();
    }

    // ---- grants and enforcement

    @Test
    void searchGrantOnOneCollectionAllowsSearchThereButNotInsertNorOtherCollectionsAndRevokeDeniesTheNextCall() {
        createRole(root, "r_search");
        grantV2(root, "r_search", "Search", "default", C1);
        MilvusClientV2 alice = newUserClient("v2r_alice", "r_search");

        assertThat(search(alice, C1).getSearchResults().get(0)).hasSize(3);
        assertThat(denied(() -> insert(alice, C1)))
                .contains("PrivilegeInsert: permission deny to v2r_alice in the `default` database");
        assertThat(denied(() -> search(alice, C2)))
                .contains("PrivilegeSearch: permission deny to v2r_alice in the `default` database");
        assertThat(denied(() -> queryCount(alice, C1))).contains("PrivilegeQuery");

        revokeV2(root, "r_search", "Search", "default", C1);
        // The already-open client is refused on its very next call.
        denied(() -> search(alice, C1));
        grantV2(root, "r_search", "Search", "default", C1);
        assertThat(search(alice, C1).getSearchResults().get(0)).hasSize(3);
    }

    @Test
    void removingTheUserFromItsRoleOrForceDroppingTheRoleDeniesTheNextCall() {
        createRole(root, "r_unbind");
        grantV2(root, "r_unbind", "Search", "default", C1);
        MilvusClientV2 bob = newUserClient("v2r_bob", "r_unbind");
        search(bob, C1);
        root.revokeRole(RevokeRoleReq.builder().userName("v2r_bob").roleName("r_unbind").build());
        denied(() -> search(bob, C1));

        root.grantRole(GrantRoleReq.builder().userName("v2r_bob").roleName("r_unbind").build());
        search(bob, C1);
        root.dropRole(DropRoleReq.builder().roleName("r_unbind").forceDrop(true).build());
        denied(() -> search(bob, C1));
        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2r_bob").build()).getRoles()).isEmpty();
    }

    @Test
    void v1StyleGrantWithObjectTypeAndNameWorksFromTheV2Client() {
        createRole(root, "r_v1style");
        root.grantPrivilege(GrantPrivilegeReq.builder().roleName("r_v1style").objectType("Collection")
                .objectName(C2).privilege("Insert").build());
        MilvusClientV2 cleo = newUserClient("v2r_cleo", "r_v1style");
        insert(cleo, C2);
        invisible(() -> insert(cleo, C1), C1);
        denied(() -> search(cleo, C2));
        assertThat(grants(root, "r_v1style", "default"))
                .extracting(DescribeRoleResp.GrantInfo::getObjectType, DescribeRoleResp.GrantInfo::getObjectName,
                        DescribeRoleResp.GrantInfo::getPrivilege)
                .containsExactly(tuple("Collection", C2, "Insert"));
    }

    // ---- privilege groups

    @Test
    void customAndBuiltInPrivilegeGroupsGrantTheirMembersOnly() {
        root.createPrivilegeGroup(CreatePrivilegeGroupReq.builder().groupName("pg_reader").build());
        root.addPrivilegesToGroup(AddPrivilegesToGroupReq.builder().groupName("pg_reader")
                .privileges(List.of("Search", "Query")).build());
        createRole(root, "r_custom_group");
        grantV2(root, "r_custom_group", "pg_reader", "default", C1);
        MilvusClientV2 dan = newUserClient("v2r_dan", "r_custom_group");
        search(dan, C1);
        assertThat(queryCount(dan, C1)).isPositive();
        denied(() -> insert(dan, C1));
        denied(() -> search(dan, C2));

        createRole(root, "r_builtin_group");
        grantV2(root, "r_builtin_group", "CollectionReadOnly", "default", C2);
        MilvusClientV2 emma = newUserClient("v2r_emma", "r_builtin_group");
        search(emma, C2);
        assertThat(queryCount(emma, C2)).isPositive();
        denied(() -> insert(emma, C2));
        denied(() -> search(emma, C1));

        // Custom groups are listed first, then the nine built-in ones.
        List<String> names = groupNames(root);
        assertThat(names).containsAll(BUILT_IN_GROUPS).contains("pg_reader");
        assertThat(names.indexOf("pg_reader")).isLessThan(names.indexOf(BUILT_IN_GROUPS.get(0)));
        assertThat(names.subList(names.size() - BUILT_IN_GROUPS.size(), names.size()))
                .containsExactlyInAnyOrderElementsOf(BUILT_IN_GROUPS);
        assertThat(groupMembers(root, "pg_reader")).containsExactlyInAnyOrder("Search", "Query");
        assertThat(groupMembers(root, "CollectionReadOnly")).contains("Search", "Query", "DescribeCollection")
                .doesNotContain("Insert");

        // A group change reaches the open client at once.
        root.removePrivilegesFromGroup(RemovePrivilegesFromGroupReq.builder().groupName("pg_reader")
                .privileges(List.of("Query")).build());
        denied(() -> queryCount(dan, C1));
        search(dan, C1);

        // A group in use cannot be dropped; after the revoke it can.
        MilvusClientException inUse = refused(() -> root.dropPrivilegeGroup(DropPrivilegeGroupReq.builder()
                .groupName("pg_reader").build()));
        assertThat(inUse.getMessage()).contains("privilege group [pg_reader] is used by role [r_custom_group]");
        revokeV2(root, "r_custom_group", "pg_reader", "default", C1);
        denied(() -> search(dan, C1));
        root.dropPrivilegeGroup(DropPrivilegeGroupReq.builder().groupName("pg_reader").build());
        assertThat(groupNames(root)).doesNotContain("pg_reader").containsAll(BUILT_IN_GROUPS);
    }

    @Test
    void builtInGroupLevelsConstrainTheDatabaseAndCollectionOfAGrant() {
        createRole(root, "r_levels");
        assertThat(refused(() -> grantV2(root, "r_levels", "ClusterAdmin", DB1, "*")).getMessage())
                .contains("dbName and collectionName should be * for the cluster level privilege");
        assertThat(refused(() -> grantV2(root, "r_levels", "DatabaseAdmin", DB1, C1)).getMessage())
                .contains("collectionName should be * for the database level privilege");
        assertThat(refused(() -> grantV2(root, "r_levels", "CollectionAdmin", "*", C1)).getMessage())
                .contains("please specify database name for the collection level privilege");
        assertThat(refused(() -> grantV2(root, "r_levels", "NoSuchPrivilege", "default", C1)).getMessage())
                .contains("not found the privilege name[NoSuchPrivilege]");
        grantV2(root, "r_levels", "ClusterReadOnly", "*", "*");
        grantV2(root, "r_levels", "DatabaseReadOnly", DB1, "*");
        grantV2(root, "r_levels", "CollectionAdmin", DB1, C1);
        assertThat(grants(root, "r_levels", "*")).hasSize(3);
    }

    // ---- database scope

    @Test
    void aGrantInOneDatabaseWorksThereAndNotInDefault() {
        createRole(root, "r_db1");
        grantV2(root, "r_db1", "Search", DB1, "*");
        root.createUser(CreateUserReq.builder().userName("v2r_fay").password(PW + "v2r_fay").build());
        root.grantRole(GrantRoleReq.builder().userName("v2r_fay").roleName("r_db1").build());

        MilvusClientV2 inDb1 = as(server, "v2r_fay", DB1);
        assertThat(search(inDb1, DB1_COLLECTION).getSearchResults().get(0)).hasSize(3);
        assertThat(denied(() -> insert(inDb1, DB1_COLLECTION)))
                .contains("permission deny to v2r_fay in the `" + DB1 + "` database");

        MilvusClientV2 inDefault = as(server, "v2r_fay", null);
        assertThat(denied(() -> search(inDefault, C1)))
                .contains("permission deny to v2r_fay in the `default` database");

        assertThat(grants(root, "r_db1", DB1))
                .extracting(DescribeRoleResp.GrantInfo::getObjectType, DescribeRoleResp.GrantInfo::getObjectName,
                        DescribeRoleResp.GrantInfo::getDbName, DescribeRoleResp.GrantInfo::getPrivilege)
                .containsExactly(tuple("Collection", "*", DB1, "Search"));
        assertThat(grants(root, "r_db1", "default")).isEmpty();
        assertThat(grants(root, "r_db1", "no_such_db")).isEmpty();
    }

    // ---- built-in roles

    @Test
    void adminRoleMayDoEverythingIncludingAdministeringUsersAndGrants() {
        MilvusClientV2 gus = newUserClient("v2r_gus", "admin");
        gus.createUser(CreateUserReq.builder().userName("v2r_made_by_admin").password(PW + "v2r_made_by_admin")
                .build());
        assertThat(gus.listUsers()).contains("root", "v2r_gus", "v2r_made_by_admin");
        gus.createCollection(CreateCollectionReq.builder().collectionName("rbac_admins").dimension(DIM).build());
        insert(gus, "rbac_admins");
        search(gus, C1);
        insert(gus, C2);
        assertThat(gus.listCollections().getCollectionNames()).contains(C1, C2, "rbac_admins");
        assertThat(gus.listDatabases().getDatabaseNames()).contains("default", DB1);
        assertThat(as(server, "v2r_gus", DB1).listCollections().getCollectionNames()).contains(DB1_COLLECTION);

        createRole(gus, "r_by_admin");
        grantV2(gus, "r_by_admin", "Query", "default", C1);
        gus.grantRole(GrantRoleReq.builder().userName("v2r_made_by_admin").roleName("r_by_admin").build());
        // The grantor is whoever granted.
        assertThat(grants(root, "r_by_admin", "default")).singleElement()
                .extracting(DescribeRoleResp.GrantInfo::getGrantor).isEqualTo("v2r_gus");
        gus.dropCollection(DropCollectionReq.builder().collectionName("rbac_admins").build());
    }

    @Test
    void publicRoleHoldsItsDefaultGrantsAndNothingElse() {
        assertThat(grants(root, "public", "*"))
                .extracting(DescribeRoleResp.GrantInfo::getObjectType, DescribeRoleResp.GrantInfo::getObjectName,
                        DescribeRoleResp.GrantInfo::getDbName, DescribeRoleResp.GrantInfo::getPrivilege,
                        DescribeRoleResp.GrantInfo::getGrantor)
                .containsExactlyInAnyOrder(
                        tuple("Global", "*", "*", "DescribeCollection", "root"),
                        tuple("Global", "*", "*", "ListAliases", "root"),
                        tuple("Collection", "*", "*", "IndexDetail", "root"));

        MilvusClientV2 hal = newUserClient("v2r_hal");
        assertThat(hal.describeIndex(DescribeIndexReq.builder().collectionName(C1).fieldName("vector").build())
                .getIndexDescriptions()).isNotEmpty();
        hal.listAliases(ListAliasesReq.builder().collectionName(C1).build());
        assertThat(hal.listCollections().getCollectionNames()).isEmpty();
        assertThat(hal.listDatabases().getDatabaseNames()).isEmpty();
        // DescribeCollection is granted, but only for collections the user can see.
        assertThat(refused(() -> hal.describeCollection(DescribeCollectionReq.builder().collectionName(C1).build()))
                .getMessage()).contains("not allowed to access collection");
        denied(() -> search(hal, C1));
        invisible(() -> insert(hal, C1), C1);
        denied(hal::listUsers);
        denied(hal::listRoles);
        denied(() -> hal.createUser(CreateUserReq.builder().userName("v2r_nope").password(PW + "nope12").build()));
        denied(() -> createRole(hal, "r_nope"));
        denied(() -> hal.createCollection(CreateCollectionReq.builder().collectionName("rbac_nope").dimension(DIM)
                .build()));
        // Every user may read its own description.
        assertThat(hal.describeUser(DescribeUserReq.builder().userName("v2r_hal").build()).getRoles()).isEmpty();
        denied(() -> hal.describeUser(DescribeUserReq.builder().userName("root").build()));
    }

    @Test
    void builtInRolesCannotBeDroppedOrCreatedAgain() {
        for (String builtIn : List.of("admin", "public")) {
            MilvusClientException drop = refused(() -> root.dropRole(DropRoleReq.builder().roleName(builtIn)
                    .forceDrop(true).build()));
            assertThat(drop.getServerErrCode()).isEqualTo(1401);
            assertThat(drop.getMessage())
                    .contains("the role[" + builtIn + "] is a default role, which can't be dropped");
            assertThat(refused(() -> createRole(root, builtIn)).getMessage())
                    .contains("role [name:\"" + builtIn + "\"] already exists");
        }
        assertThat(root.listRoles()).contains("admin", "public");
    }

    // ---- descriptions and listings

    @Test
    void describeRoleAndDescribeUserShowRolesAndGrantsWithObjectNameDatabasePrivilegeAndGrantor() {
        createRole(root, "r_desc");
        createRole(root, "r_desc_other");
        root.grantPrivilege(GrantPrivilegeReq.builder().roleName("r_desc").objectType("Collection").objectName(C1)
                .privilege("Search").build());
        grantV2(root, "r_desc", "DatabaseReadOnly", "default", "*");
        grantV2(root, "r_desc", "ClusterReadOnly", "*", "*");
        grantV2(root, "r_desc", "Query", DB1, DB1_COLLECTION);
        newUserClient("v2r_ivy", "r_desc", "r_desc_other");

        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2r_ivy").build()).getRoles())
                .containsExactlyInAnyOrder("r_desc", "r_desc_other");
        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2r_nobody").build()).getRoles())
                .isEmpty();

        DescribeRoleResp all = root.describeRole(DescribeRoleReq.builder().roleName("r_desc").dbName("*").build());
        assertThat(all.getGrantInfos())
                .extracting(DescribeRoleResp.GrantInfo::getObjectType, DescribeRoleResp.GrantInfo::getObjectName,
                        DescribeRoleResp.GrantInfo::getDbName, DescribeRoleResp.GrantInfo::getPrivilege,
                        DescribeRoleResp.GrantInfo::getGrantor)
                .containsExactlyInAnyOrder(
                        tuple("Collection", C1, "default", "Search", "root"),
                        tuple("Global", "*", "default", "DatabaseReadOnly", "root"),
                        tuple("Global", "*", "*", "ClusterReadOnly", "root"),
                        tuple("Collection", DB1_COLLECTION, DB1, "Query", "root"));
        assertThat(all.getRoleName()).isEqualTo("r_desc");
        assertThat(grants(root, "r_desc", DB1)).extracting(DescribeRoleResp.GrantInfo::getPrivilege)
                .containsExactly("Query");
        assertThat(grants(root, "r_desc_other", "*")).isEmpty();
        assertThat(refused(() -> grants(root, "r_missing", "*")).getMessage())
                .contains("not found the role, maybe the role isn't existed or internal system error");
        assertThat(root.listRoles()).contains("admin", "public", "r_desc", "r_desc_other");
    }

    @Test
    void aRoleDescriptionSetAtCreationIsDescribedAndAlterRoleReplacesIt() {
        root.createRole(CreateRoleReq.builder().roleName("r_described").description("reads the reports").build());
        assertThat(describe(root, "r_described").getDescription()).isEqualTo("reads the reports");

        String multiline = "reads and exports\nthe reports \u2014 \u00e9\uD83D\uDD12";
        root.alterRole(AlterRoleReq.builder().roleName("r_described").description(multiline).build());
        assertThat(describe(root, "r_described").getDescription()).isEqualTo(multiline);
        root.alterRole(AlterRoleReq.builder().roleName("r_described").description("").build());
        assertThat(describe(root, "r_described").getDescription()).isEmpty();

        createRole(root, "r_undescribed");
        assertThat(describe(root, "r_undescribed").getDescription()).isEmpty();
        assertThat(refused(() -> root.alterRole(AlterRoleReq.builder().roleName("r_missing").description("x")
                .build())).getMessage()).contains("role not exists");
        assertThat(refused(() -> root.alterRole(AlterRoleReq.builder().roleName("admin").description("x")
                .build())).getMessage()).contains("is a builtin role, which can't be altered");
        assertThat(refused(() -> root.alterRole(AlterRoleReq.builder().roleName("r_undescribed")
                .description("x".repeat(1025)).build())).getMessage())
                .contains("the length of role description must be not greater than limit");

        // AlterRole needs CreateOwnership, as CreateRole: a user without it is refused and nothing changes.
        MilvusClientV2 lee = newUserClient("v2r_lee");
        assertThat(refused(() -> lee.alterRole(AlterRoleReq.builder().roleName("r_undescribed")
                .description("mine").build())).getMessage())
                .contains("PrivilegeCreateOwnership: permission deny to v2r_lee");
        assertThat(describe(root, "r_undescribed").getDescription()).isEmpty();
    }

    private static DescribeRoleResp describe(MilvusClientV2 client, String role) {
        return client.describeRole(DescribeRoleReq.builder().roleName(role).dbName("*").build());
    }

    @Test
    void listCollectionsShowsEachUserOnlyTheCollectionsItHoldsGrantsOn() {
        createRole(root, "r_list");
        grantV2(root, "r_list", "Search", "default", C1);
        MilvusClientV2 jay = newUserClient("v2r_jay", "r_list");
        assertThat(jay.listCollections().getCollectionNames()).containsExactly(C1);
        assertThat(jay.describeCollection(DescribeCollectionReq.builder().collectionName(C1).build())
                .getCollectionName()).isEqualTo(C1);

        grantV2(root, "r_list", "CollectionReadOnly", "default", C2);
        assertThat(jay.listCollections().getCollectionNames()).containsExactlyInAnyOrder(C1, C2);
        // Only databases the user holds grants in are listed; the SDK checks that list when it connects to one.
        assertThat(jay.listDatabases().getDatabaseNames()).containsExactly("default");
        assertThatThrownBy(() -> as(server, "v2r_jay", DB1)).hasMessageContaining("Database " + DB1 + " not exist");
        assertThat(root.listCollections().getCollectionNames()).contains(C1, C2);
    }

    @Test
    void droppingARoleWithGrantsNeedsForceAndARoleWithUsersCanBeDropped() {
        createRole(root, "r_drop");
        grantV2(root, "r_drop", "Search", "default", C1);
        MilvusClientException plain = refused(() -> root.dropRole(DropRoleReq.builder().roleName("r_drop").build()));
        assertThat(plain.getMessage())
                .contains("fail to drop the role that it has privileges. Use REVOKE API to revoke privileges");
        assertThat(root.listRoles()).contains("r_drop");
        root.dropRole(DropRoleReq.builder().roleName("r_drop").forceDrop(true).build());
        assertThat(root.listRoles()).doesNotContain("r_drop");

        createRole(root, "r_drop_users");
        newUserClient("v2r_kim", "r_drop_users");
        root.dropRole(DropRoleReq.builder().roleName("r_drop_users").build());
        assertThat(root.listRoles()).doesNotContain("r_drop_users");
        assertThat(root.describeUser(DescribeUserReq.builder().userName("v2r_kim").build()).getRoles()).isEmpty();
        assertThat(refused(() -> root.dropRole(DropRoleReq.builder().roleName("r_drop_users").build()))
                .getMessage()).contains("not found the role, maybe the role isn't existed or internal system error");
    }

    // ---- persistence, backup and restore

    /** Roles, a binding, a direct grant and a custom group grant, as used by the restart and backup scenarios. */
    private void setUpRbacState(MilvusClientV2 admin) {
        admin.createCollection(CreateCollectionReq.builder().collectionName("kept").dimension(DIM).build());
        admin.insert(InsertReq.builder().collectionName("kept").data(rows(0, 5)).build());
        admin.createRole(CreateRoleReq.builder().roleName("r_kept").description("kept \u2014 everywhere").build());
        createRole(admin, "r_revoked_before_crash");
        grantV2(admin, "r_kept", "Search", "default", "kept");
        admin.createPrivilegeGroup(CreatePrivilegeGroupReq.builder().groupName("pg_kept").build());
        admin.addPrivilegesToGroup(AddPrivilegesToGroupReq.builder().groupName("pg_kept")
                .privileges(List.of("Query", "GetStatistics")).build());
        grantV2(admin, "r_kept", "pg_kept", "default", "kept");
        grantV2(admin, "r_revoked_before_crash", "Insert", "default", "kept");
        admin.createUser(CreateUserReq.builder().userName("v2r_lou").password(PW + "v2r_lou").build());
        admin.grantRole(GrantRoleReq.builder().userName("v2r_lou").roleName("r_kept").build());
        admin.grantRole(GrantRoleReq.builder().userName("v2r_lou").roleName("r_revoked_before_crash").build());
    }

    private void assertRbacStateKept(ServerProcess target, boolean insertRevoked) {
        MilvusClientV2 admin = Clients.root(target);
        opened.add(admin);
        assertThat(admin.listRoles()).contains("admin", "public", "r_kept", "r_revoked_before_crash");
        assertThat(describe(admin, "r_kept").getDescription()).isEqualTo("kept \u2014 everywhere");
        assertThat(admin.describeUser(DescribeUserReq.builder().userName("v2r_lou").build()).getRoles())
                .containsExactlyInAnyOrder("r_kept", "r_revoked_before_crash");
        assertThat(grants(admin, "r_kept", "*"))
                .extracting(DescribeRoleResp.GrantInfo::getObjectType, DescribeRoleResp.GrantInfo::getObjectName,
                        DescribeRoleResp.GrantInfo::getDbName, DescribeRoleResp.GrantInfo::getPrivilege,
                        DescribeRoleResp.GrantInfo::getGrantor)
                .containsExactlyInAnyOrder(tuple("Collection", "kept", "default", "Search", "root"),
                        tuple("Global", "kept", "default", "pg_kept", "root"));
        assertThat(groupMembers(admin, "pg_kept")).containsExactlyInAnyOrder("Query", "GetStatistics");
        assertThat(grants(admin, "r_revoked_before_crash", "*")).hasSize(insertRevoked ? 0 : 1);
    }

    /**
     * One scenario, as each server start costs seconds: the state survives a graceful restart and a kill -9 (with a
     * revoke made just before the crash), and its backup restores into a fresh data folder.
     */
    @Test
    void rbacSurvivesRestartAndKillNineAndItsBackupRestoresIntoAFreshServerWithTheOldPassword(@TempDir Path ownDir) {
        RBACMeta backup;
        try (ServerProcess own = ServerProcess.startWithAuth(ownDir.resolve("source"))) {
            MilvusClientV2 admin = Clients.root(own);
            setUpRbacState(admin);
            admin.close();

            own.restart();
            assertRbacStateKept(own, false);
            MilvusClientV2 lou = as(own, "v2r_lou", null);
            search(lou, "kept");
            assertThat(queryCount(lou, "kept")).isPositive();
            insert(lou, "kept");

            MilvusClientV2 again = Clients.root(own);
            opened.add(again);
            revokeV2(again, "r_revoked_before_crash", "Insert", "default", "kept");
            own.kill9();
            own.restart();
            assertRbacStateKept(own, true);
            MilvusClientV2 louAfterCrash = as(own, "v2r_lou", null);
            search(louAfterCrash, "kept");
            denied(() -> insert(louAfterCrash, "kept"));

            try (RbacWire wire = new RbacWire(own, "root", "Milvus")) {
                BackupRBACMetaResponse response = wire.backup();
                assertThat(response.getStatus().getCode()).isZero();
                backup = response.getRBACMeta();
            }
            // Neither root nor the built-in roles travel in a backup; the password only as a hash.
            assertThat(backup.getUsersList().stream().map(UserInfo::getUser).toList()).containsExactly("v2r_lou");
            assertThat(backup.getRolesList().stream().map(RoleEntity::getName).toList())
                    .containsExactlyInAnyOrder("r_kept", "r_revoked_before_crash");
            assertThat(backup.getGrantsList()).hasSize(2);
            assertThat(backup.getPrivilegeGroupsList().stream().map(PrivilegeGroupInfo::getGroupName).toList())
                    .containsExactly("pg_kept");
            assertThat(backup.getUsersList().get(0).getPassword()).isNotBlank().doesNotContain(PW);
            assertNoPasswordIn(own.log());
        }

        try (ServerProcess fresh = ServerProcess.startWithAuth(ownDir.resolve("fresh"));
                RbacWire wire = new RbacWire(fresh, "root", "Milvus")) {
            assertThat(wire.restore(backup).getCode()).isZero();
            assertRbacStateKept(fresh, true);
            MilvusClientV2 lou = as(fresh, "v2r_lou", null);
            assertThat(lou.checkHealth().getIsHealthy()).isTrue();
            denied(lou::listUsers);

            assertThat(wire.backup().getRBACMeta()).isEqualTo(backup);
            // A second restore finds the roles already there and changes nothing.
            io.milvus.grpc.Status again = wire.restore(backup);
            assertThat(again.getCode()).isNotZero();
            assertThat(again.getReason()).contains("failed to check if rbac restorable").contains("already exists");
            assertThat(wire.backup().getRBACMeta()).isEqualTo(backup);
            assertNoPasswordIn(fresh.log());
        }
    }
}
