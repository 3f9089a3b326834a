package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.auth.rbac.ObjectType;
import dev.vectorvault.auth.rbac.Privilege;
import dev.vectorvault.auth.rbac.Requirement;
import io.milvus.grpc.ConnectRequest;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.SelectGrantRequest;
import io.milvus.grpc.SelectUserRequest;
import io.milvus.grpc.UpdateCredentialRequest;
import io.milvus.grpc.UserEntity;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The requirement of each request comes from its proto option, read the way Milvus's proxy reads it. */
class RequestPrivilegesTest {
    private final RequestPrivileges privileges = new RequestPrivileges();
    private final UnaryOperator<String> noAliases = UnaryOperator.identity();

    private Requirement of(com.google.protobuf.Message request) {
        return privileges.of(request, noAliases).orElseThrow();
    }

    @Test
    void collectionRequestsNeedTheirPrivilegeOnTheNamedCollection() {
        Requirement insert = of(InsertRequest.newBuilder().setCollectionName("c1").build());
        assertThat(insert.objectType()).isEqualTo(ObjectType.COLLECTION);
        assertThat(insert.privilege()).isEqualTo(Privilege.INSERT);
        assertThat(insert.objectNames()).containsExactly("c1");
        // GetLoadState names its collection in field 2, not 3.
        assertThat(of(GetLoadStateRequest.newBuilder().setCollectionName("c9").build()).objectNames())
                .containsExactly("c9");
    }

    @Test
    void hybridSearchNeedsSearchOnItsCollection() {
        Requirement hybrid = of(io.milvus.grpc.HybridSearchRequest.newBuilder().setCollectionName("docs").build());
        assertThat(hybrid.objectType()).isEqualTo(ObjectType.COLLECTION);
        assertThat(hybrid.privilege()).isEqualTo(Privilege.SEARCH);
        assertThat(hybrid.objectNames()).containsExactly("docs");
    }

    @Test
    void flushNeedsEveryListedCollection() {
        Requirement flush = of(FlushRequest.newBuilder().addCollectionNames("a").addCollectionNames("b").build());
        assertThat(flush.privilege()).isEqualTo(Privilege.FLUSH);
        assertThat(flush.objectNames()).containsExactly("a", "b");
        assertThat(of(FlushRequest.getDefaultInstance()).objectNames()).isEmpty();
    }

    @Test
    void globalRequestsNameEverything() {
        Requirement create = of(CreateCollectionRequest.newBuilder().setCollectionName("c1").build());
        assertThat(create.objectType()).isEqualTo(ObjectType.GLOBAL);
        assertThat(create.privilege()).isEqualTo(Privilege.CREATE_COLLECTION);
        assertThat(create.objectNames()).containsExactly("*");
    }

    @Test
    void userRequestsNameTheUserAndAnEmptyUserMeansEveryone() {
        assertThat(of(SelectUserRequest.newBuilder().setUser(UserEntity.newBuilder().setName("bob")).build())
                .objectNames()).containsExactly("bob");
        assertThat(of(SelectUserRequest.getDefaultInstance()).objectNames()).containsExactly("*");
        Requirement update = of(UpdateCredentialRequest.newBuilder().setUsername("bob").build());
        assertThat(update.objectType()).isEqualTo(ObjectType.USER);
        assertThat(update.privilege()).isEqualTo(Privilege.UPDATE_USER);
    }

    @Test
    void selectGrantCarriesTheRoleWhoseGrantsAreRead() {
        Requirement select = of(SelectGrantRequest.newBuilder().setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("r1"))).build());
        assertThat(select.grantsOfRole()).contains("r1");
    }

    @Test
    void requestsWithoutTheOptionNeedNothing() {
        assertThat(privileges.of(ConnectRequest.getDefaultInstance(), noAliases)).isEmpty();
        assertThat(privileges.of(HasCollectionRequest.getDefaultInstance(), noAliases)).isEmpty();
    }

    @Test
    void aliasesAreCheckedAsTheirCollection() {
        Optional<Requirement> query = privileges.of(QueryRequest.newBuilder().setCollectionName("nick").build(),
                name -> name.equals("nick") ? "real" : name);
        assertThat(query.orElseThrow().objectNames()).isEqualTo(List.of("real"));
    }

    @Test
    void theBodyDatabaseCountsIncludingTheTargetOfAV2Grant() {
        assertThat(privileges.bodyDatabase(QueryRequest.newBuilder().setDbName("db1").build())).contains("db1");
        assertThat(privileges.bodyDatabase(QueryRequest.getDefaultInstance())).isEmpty();
        // ManageOwnership is needed where the grant goes, not where the caller's header says it is (issue 10, #5).
        assertThat(privileges.bodyDatabase(OperatePrivilegeV2Request.newBuilder().setDbName("db2").build()))
                .contains("db2");
        assertThat(privileges.bodyDatabase(OperatePrivilegeV2Request.newBuilder().setDbName("*").build()))
                .contains("*");
    }
}
