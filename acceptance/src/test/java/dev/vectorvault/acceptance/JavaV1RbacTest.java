package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.client.MilvusServiceClient;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.UserEntity;
import io.milvus.param.ConnectParam;
import io.milvus.param.MetricType;
import io.milvus.param.R;
import io.milvus.param.RpcStatus;
import io.milvus.param.credential.CreateCredentialParam;
import io.milvus.param.dml.InsertParam;
import io.milvus.param.dml.SearchParam;
import io.milvus.param.role.AddUserToRoleParam;
import io.milvus.param.role.CreateRoleParam;
import io.milvus.param.role.GrantRolePrivilegeParam;
import io.milvus.param.role.RemoveUserFromRoleParam;
import io.milvus.param.role.RevokeRolePrivilegeParam;
import io.milvus.param.role.SelectGrantForRoleAndObjectParam;
import io.milvus.param.role.SelectGrantForRoleParam;
import io.milvus.param.role.SelectRoleParam;
import io.milvus.param.role.SelectUserParam;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.InsertReq;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RBAC with the official Java SDK's v1 client (MilvusServiceClient), where its API differs from v2: grants by object
 * type and object name, SelectGrant by role and object, AddUserToRole / SelectUser / SelectRole.
 */
@Timeout(300)
class JavaV1RbacTest {
    private static final String PW = "V1RbacPw_";
    private static final int DIM = 4;
    private static final String C1 = "v1_rbac_c1";
    private static final String C2 = "v1_rbac_c2";

    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static MilvusServiceClient root;
    private final List<MilvusServiceClient> opened = new ArrayList<>();

    @BeforeAll
    static void startServerWithCollections() {
        server = ServerProcess.startWithAuth(dataDir);
        try (MilvusClientV2ClosingWrapper setup = new MilvusClientV2ClosingWrapper(Clients.root(server))) {
            for (String name : List.of(C1, C2)) {
                setup.client.createCollection(CreateCollectionReq.builder().collectionName(name).dimension(DIM)
                        .build());
                List<JsonObject> rows = new ArrayList<>();
                for (long id = 0; id < 5; id++) {
                    JsonObject row = new JsonObject();
                    row.addProperty("id", id);
                    JsonArray vector = new JsonArray();
                    for (int d = 0; d < DIM; d++) {
                        vector.add((id + 1f) * (d + 1) / 10f);
                    }
                    row.add("vector", vector);
                    rows.add(row);
                }
                setup.client.insert(InsertReq.builder().collectionName(name).data(rows).build());
            }
        }
        root = connect("root", "Milvus");
    }

    @AfterAll
    static void stopServer() {
        if (root != null) {
            root.close();
        }
        if (server != null) {
            String log = server.log();
            server.close();
            assertThat(log).as("server log must never contain a password").doesNotContain(PW)
                    .doesNotContain("VjFSYmFjUHd"); // base64 of "V1RbacPw_" without its last character
        }
    }

    @AfterEach
    void closeClients() {
        opened.forEach(MilvusServiceClient::close);
        opened.clear();
    }

    /** Closes the v2 client used to set up the collections. */
    private static final class MilvusClientV2ClosingWrapper implements AutoCloseable {
        final MilvusClientV2 client;

        MilvusClientV2ClosingWrapper(MilvusClientV2 client) {
            this.client = client;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static MilvusServiceClient connect(String user, String password) {
        MilvusServiceClient client = new MilvusServiceClient(ConnectParam.newBuilder()
                .withHost("127.0.0.1").withPort(server.port())
                .withAuthorization(user, password)
                .withConnectTimeout(15, TimeUnit.SECONDS)
                .withRpcDeadline(15, TimeUnit.SECONDS)
                .build());
        client.withRetry(1);
        return client;
    }

    private MilvusServiceClient newUser(String user) {
        ok(root.createCredential(CreateCredentialParam.newBuilder().withUsername(user).withPassword(PW + user)
                .build()), "createCredential");
        MilvusServiceClient client = connect(user, PW + user);
        opened.add(client);
        return client;
    }

    private static <T> T ok(R<T> response, String what) {
        assertThat(response.getStatus()).as("%s failed: %s", what,
                response.getException() == null ? "" : response.getMessage()).isZero();
        return response.getData();
    }

    private static void assertDenied(R<?> response) {
        assertThat(response.getStatus()).isNotZero();
        assertThat(response.getMessage()).contains("permission deny");
    }

    private static R<SearchResults> search(MilvusServiceClient client, String collection) {
        return client.search(SearchParam.newBuilder().withCollectionName(collection).withVectorFieldName("vector")
                .withMetricType(MetricType.COSINE).withTopK(3)
                .withFloatVectors(List.of(List.of(0.1f, 0.2f, 0.3f, 0.4f))).build());
    }

    private static R<?> insert(MilvusServiceClient client, String collection) {
        return client.insert(InsertParam.newBuilder().withCollectionName(collection)
                .withFields(List.of(new InsertParam.Field("id", List.of(1000L)),
                        new InsertParam.Field("vector", List.of(List.of(0.5f, 0.5f, 0.5f, 0.5f)))))
                .build());
    }

    private static GrantRolePrivilegeParam grant(String role, String object, String objectName, String privilege) {
        return GrantRolePrivilegeParam.newBuilder().withRoleName(role).withObject(object).withObjectName(objectName)
                .withPrivilege(privilege).build();
    }

    private static List<GrantEntity> grants(String role, String object, String objectName) {
        return ok(root.selectGrantForRoleAndObject(SelectGrantForRoleAndObjectParam.newBuilder().withRoleName(role)
                .withObject(object).withObjectName(objectName).build()), "selectGrantForRoleAndObject")
                .getEntitiesList();
    }

    @Test
    void addUserToRoleThenSelectUserAndSelectRoleShowTheBinding() {
        ok(root.createRole(CreateRoleParam.newBuilder().withRoleName("v1_r_bind").build()), "createRole");
        newUser("v1_ann");
        ok(root.addUserToRole(AddUserToRoleParam.newBuilder().withUserName("v1_ann").withRoleName("v1_r_bind")
                .build()), "addUserToRole");
        ok(root.addUserToRole(AddUserToRoleParam.newBuilder().withUserName("v1_ann").withRoleName("public")
                .build()), "addUserToRole public");

        var user = ok(root.selectUser(SelectUserParam.newBuilder().withUserName("v1_ann").withIncludeRoleInfo(true)
                .build()), "selectUser").getResultsList();
        assertThat(user).hasSize(1);
        assertThat(user.get(0).getUser().getName()).isEqualTo("v1_ann");
        assertThat(user.get(0).getRolesList()).extracting(RoleEntity::getName)
                .containsExactlyInAnyOrder("v1_r_bind", "public");

        var role = ok(root.selectRole(SelectRoleParam.newBuilder().withRoleName("v1_r_bind").withIncludeUserInfo(true)
                .build()), "selectRole").getResultsList();
        assertThat(role).hasSize(1);
        assertThat(role.get(0).getRole().getName()).isEqualTo("v1_r_bind");
        assertThat(role.get(0).getUsersList()).extracting(UserEntity::getName).containsExactly("v1_ann");
        // A role that does not exist selects to nothing, without an error.
        assertThat(ok(root.selectRole(SelectRoleParam.newBuilder().withRoleName("v1_r_missing").build()),
                "selectRole missing").getResultsList()).isEmpty();
        var builtIn = ok(root.selectRole(SelectRoleParam.newBuilder().withRoleName("public").withIncludeUserInfo(true)
                .build()), "selectRole public").getResultsList();
        assertThat(builtIn.get(0).getUsersList()).extracting(UserEntity::getName).contains("v1_ann");

        ok(root.removeUserFromRole(RemoveUserFromRoleParam.newBuilder().withUserName("v1_ann")
                .withRoleName("v1_r_bind").build()), "removeUserFromRole");
        assertThat(ok(root.selectUser(SelectUserParam.newBuilder().withUserName("v1_ann").withIncludeRoleInfo(true)
                .build()), "selectUser").getResults(0).getRolesList()).extracting(RoleEntity::getName)
                .containsExactly("public");
    }

    @Test
    void v1GrantByObjectTypeAndNameIsEnforcedListedByObjectAndRevokedForTheNextCall() {
        ok(root.createRole(CreateRoleParam.newBuilder().withRoleName("v1_r_search").build()), "createRole");
        MilvusServiceClient bea = newUser("v1_bea");
        ok(root.addUserToRole(AddUserToRoleParam.newBuilder().withUserName("v1_bea").withRoleName("v1_r_search")
                .build()), "addUserToRole");
        ok(root.grantRolePrivilege(grant("v1_r_search", "Collection", C1, "Search")), "grant Search");
        ok(root.grantRolePrivilege(grant("v1_r_search", "Collection", C1, "Search")), "grant Search again");
        ok(root.grantRolePrivilege(grant("v1_r_search", "Collection", C1, "Query")), "grant Query");
        // A Global privilege always applies to every object: the name is stored as *.
        ok(root.grantRolePrivilege(grant("v1_r_search", "Global", C1, "DescribeDatabase")), "grant Global");

        assertThat(ok(search(bea, C1), "search").getResults().getNumQueries()).isEqualTo(1);
        assertDenied(insert(bea, C1));
        assertDenied(search(bea, C2));

        assertThat(grants("v1_r_search", "Collection", C1))
                .extracting(g -> g.getRole().getName(), g -> g.getObject().getName(), GrantEntity::getObjectName,
                        GrantEntity::getDbName, g -> g.getGrantor().getPrivilege().getName(),
                        g -> g.getGrantor().getUser().getName())
                .containsExactlyInAnyOrder(
                        tuple("v1_r_search", "Collection", C1, "default", "Search", "root"),
                        tuple("v1_r_search", "Collection", C1, "default", "Query", "root"));
        assertThat(grants("v1_r_search", "Global", "*")).extracting(g -> g.getGrantor().getPrivilege().getName())
                .containsExactly("DescribeDatabase");
        assertThat(grants("v1_r_search", "Collection", C2)).isEmpty();
        assertThat(ok(root.selectGrantForRole(SelectGrantForRoleParam.newBuilder().withRoleName("v1_r_search")
                .build()), "selectGrantForRole").getEntitiesList()).hasSize(3);

        ok(root.revokeRolePrivilege(RevokeRolePrivilegeParam.newBuilder().withRoleName("v1_r_search")
                .withObject("Collection").withObjectName(C1).withPrivilege("Search").build()), "revoke");
        assertDenied(search(bea, C1));
        // Revoking what was never granted succeeds.
        ok(root.revokeRolePrivilege(RevokeRolePrivilegeParam.newBuilder().withRoleName("v1_r_search")
                .withObject("Collection").withObjectName(C2).withPrivilege("Insert").build()), "revoke unknown");
    }

    @Test
    void v1GrantAcceptsTheLegacyGroupsButRejectsV2GroupsAndPrivilegesOfAnotherObjectType() {
        ok(root.createRole(CreateRoleParam.newBuilder().withRoleName("v1_r_groups").build()), "createRole");
        R<RpcStatus> v2Group = root.grantRolePrivilege(grant("v1_r_groups", "Global", "*", "CollectionReadOnly"));
        assertThat(v2Group.getStatus()).isNotZero();
        assertThat(v2Group.getMessage()).contains("can not operate the built-in privilege group [CollectionReadOnly]");
        R<RpcStatus> wrongType = root.grantRolePrivilege(grant("v1_r_groups", "Collection", C1, "CreateCollection"));
        assertThat(wrongType.getStatus()).isNotZero();
        assertThat(wrongType.getMessage()).contains("not found the privilege name[CreateCollection] in object");

        ok(root.grantRolePrivilege(grant("v1_r_groups", "Collection", C2, "ReadWrite")), "grant ReadWrite");
        MilvusServiceClient cid = newUser("v1_cid");
        ok(root.addUserToRole(AddUserToRoleParam.newBuilder().withUserName("v1_cid").withRoleName("v1_r_groups")
                .build()), "addUserToRole");
        ok(insert(cid, C2), "insert with ReadWrite");
        ok(search(cid, C2), "search with ReadWrite");
        assertDenied(search(cid, C1));

        // A user may list the grants of its own roles and of public, and of no other role.
        assertThat(ok(cid.selectGrantForRole(SelectGrantForRoleParam.newBuilder().withRoleName("v1_r_groups")
                .build()), "own role's grants").getEntitiesList()).extracting(g -> g.getGrantor().getPrivilege()
                .getName()).containsExactly("ReadWrite");
        // (public's default grants are stored for db "*", which a listing in the session's db does not include.)
        ok(cid.selectGrantForRole(SelectGrantForRoleParam.newBuilder().withRoleName("public").build()),
                "public's grants");
        assertDenied(cid.selectGrantForRole(SelectGrantForRoleParam.newBuilder().withRoleName("admin").build()));
    }
}
