package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.EtcdLink;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.ObjectEntity;
import io.milvus.grpc.OperatePrivilegeRequest;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.Status;
import io.milvus.grpc.UpdateCredentialRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server nodes in this JVM sharing a real etcd, authentication on, over raw gRPC: a credential or grant change
 * made on one node holds on the other by the time the call returns; a node cut off from etcd refuses calls with
 * UNAVAILABLE once its session TTL has run out and serves again, caught up, after the link returns.
 */
@Timeout(120)
class ClusterModeTest {
    private static final int TTL_SECONDS = 2;

    @TempDir
    Path dir;
    private EtcdCluster etcd;
    private EtcdLink link;
    private final InProcessNodes nodes = new InProcessNodes();

    @AfterEach
    void stop() {
        nodes.close();
        if (link != null) {
            link.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aChangeOnOneNodeHoldsOnTheOtherWhenTheCallReturns() throws IOException {
        etcd = EtcdCluster.start(1, java.nio.file.Files.createDirectories(dir.resolve("etcd")));
        MilvusServer a = node(0, etcd.endpointsCsv());
        MilvusServer b = node(1, etcd.endpointsCsv());
        var rootOnA = stub(a, "root", "Milvus");
        var rootOnB = stub(b, "root", "Milvus");

        ok(rootOnA.createCredential(CreateCredentialRequest.newBuilder().setUsername("ann")
                .setPassword(base64("AnnPass_1")).build()));
        assertThat(stub(b, "ann", "AnnPass_1").listDatabases(ListDatabasesRequest.getDefaultInstance())
                .getStatus().getCode()).isZero();

        var annOnA = stub(a, "ann", "AnnPass_1");
        annOnA.listDatabases(ListDatabasesRequest.getDefaultInstance());
        ok(rootOnB.updateCredential(UpdateCredentialRequest.newBuilder().setUsername("ann")
                .setOldPassword(base64("AnnPass_1")).setNewPassword(base64("AnnPass_2")).build()));
        assertThatThrownBy(() -> annOnA.listDatabases(ListDatabasesRequest.getDefaultInstance()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
        assertThat(stub(a, "ann", "AnnPass_2").listDatabases(ListDatabasesRequest.getDefaultInstance())
                .getStatus().getCode()).isZero();

        createCollection(rootOnA, "docs");
        ok(rootOnA.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("reader"))
                .build()));
        // AlterRole returns once every node has the new description: B answers with it at once.
        ok(rootOnA.alterRole(io.milvus.grpc.AlterRoleRequest.newBuilder().setRoleName("reader")
                .setDescription("reads docs").build()));
        assertThat(rootOnB.selectRole(io.milvus.grpc.SelectRoleRequest.newBuilder()
                .setRole(RoleEntity.newBuilder().setName("reader")).build()).getResults(0).getRole()
                .getDescription()).isEqualTo("reads docs");
        ok(rootOnA.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername("ann").setRoleName("reader")
                .setType(OperateUserRoleType.AddUserToRole).build()));
        ok(rootOnA.operatePrivilege(privilege("reader", "docs", OperatePrivilegeType.Grant)));
        var annOnB = stub(b, "ann", "AnnPass_2");
        assertThat(annOnB.getLoadState(GetLoadStateRequest.newBuilder().setCollectionName("docs")
                .build()).getStatus().getCode()).isZero();
        ok(rootOnA.operatePrivilege(privilege("reader", "docs", OperatePrivilegeType.Revoke)));
        assertThatThrownBy(() -> annOnB.getLoadState(GetLoadStateRequest.newBuilder()
                .setCollectionName("docs").build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("PERMISSION_DENIED");
    }

    @Test
    void aNodeCutOffFromEtcdRefusesAfterItsTtlAndCatchesUpAfterReconnecting() throws Exception {
        etcd = EtcdCluster.start(1, java.nio.file.Files.createDirectories(dir.resolve("etcd")));
        link = etcd.link();
        MilvusServer a = node(0, etcd.endpointsCsv());
        MilvusServer b = node(1, link.endpointsCsv());
        var rootOnA = stub(a, "root", "Milvus");
        var rootOnB = stub(b, "root", "Milvus");
        rootOnB.listDatabases(ListDatabasesRequest.getDefaultInstance());

        link.cut();
        // Within its TTL B may still answer from its cache; the first call it refuses must say why.
        Throwable refused = null;
        long refuseBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(TTL_SECONDS + 20);
        while (refused == null && System.nanoTime() < refuseBy) {
            Thread.sleep(100);
            refused = catchThrowable(() -> rootOnB.listDatabases(ListDatabasesRequest.getDefaultInstance()));
        }
        assertThat(refused).as("B refuses once its TTL has run out").isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("UNAVAILABLE").hasMessageContaining("session TTL");
        // A change on A does not wait for B for ever: B's lease ends (or A revokes it) and A answers.
        ok(rootOnA.createCredential(CreateCredentialRequest.newBuilder().setUsername("bob")
                .setPassword(base64("BobPass_1")).build()));

        link.restore();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                rootOnB.listDatabases(ListDatabasesRequest.getDefaultInstance());
                break;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        assertThat(stub(b, "bob", "BobPass_1").listDatabases(ListDatabasesRequest.getDefaultInstance())
                .getStatus().getCode()).isZero();
    }

    @Test
    void aPartialLoadOnOneNodeNarrowsReadsOnTheOtherUntilReleased() throws IOException {
        etcd = EtcdCluster.start(1, java.nio.file.Files.createDirectories(dir.resolve("etcd")));
        var rootOnA = stub(node(0, etcd.endpointsCsv()), "root", "Milvus");
        var rootOnB = stub(node(1, etcd.endpointsCsv()), "root", "Milvus");
        CollectionSchema schema = CollectionSchema.newBuilder().setName("docs")
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("4")))
                .addFields(FieldSchema.newBuilder().setName("n").setDataType(DataType.Int64))
                .build();
        ok(rootOnA.createCollection(CreateCollectionRequest.newBuilder().setCollectionName("docs")
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
        ok(rootOnA.insert(io.milvus.grpc.InsertRequest.newBuilder().setCollectionName("docs").setNumRows(1)
                .addFieldsData(io.milvus.grpc.FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(io.milvus.grpc.ScalarField.newBuilder().setLongData(
                                io.milvus.grpc.LongArray.newBuilder().addData(7))))
                .addFieldsData(io.milvus.grpc.FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(io.milvus.grpc.VectorField.newBuilder().setDim(4).setFloatVector(
                                io.milvus.grpc.FloatArray.newBuilder().addAllData(List.of(1f, 2f, 3f, 4f)))))
                .addFieldsData(io.milvus.grpc.FieldData.newBuilder().setFieldName("n").setType(DataType.Int64)
                        .setScalars(io.milvus.grpc.ScalarField.newBuilder().setLongData(
                                io.milvus.grpc.LongArray.newBuilder().addData(70))))
                .build()).getStatus());
        ok(rootOnA.createIndex(io.milvus.grpc.CreateIndexRequest.newBuilder().setCollectionName("docs")
                .setFieldName("v").addExtraParams(KeyValuePair.newBuilder().setKey("index_type").setValue("FLAT"))
                .addExtraParams(KeyValuePair.newBuilder().setKey("metric_type").setValue("L2")).build()));

        ok(rootOnA.loadCollection(io.milvus.grpc.LoadCollectionRequest.newBuilder().setCollectionName("docs")
                .addLoadFields("id").addLoadFields("v").build()));

        io.milvus.grpc.QueryRequest withN = io.milvus.grpc.QueryRequest.newBuilder().setCollectionName("docs")
                .setExpr("id == 7").addOutputFields("n").build();
        Status refused = rootOnB.query(withN).getStatus();
        assertThat(refused.getCode()).isEqualTo(1100);
        assertThat(refused.getReason()).isEqualTo("field n is not loaded");
        assertThat(rootOnB.loadCollection(io.milvus.grpc.LoadCollectionRequest.newBuilder()
                .setCollectionName("docs").build()).getReason())
                .startsWith("can't change the load field list for loaded collection");

        ok(rootOnB.releaseCollection(io.milvus.grpc.ReleaseCollectionRequest.newBuilder().setCollectionName("docs")
                .build()));
        ok(rootOnB.loadCollection(io.milvus.grpc.LoadCollectionRequest.newBuilder().setCollectionName("docs")
                .build()));
        io.milvus.grpc.QueryResults read = rootOnA.query(withN);
        ok(read.getStatus());
        assertThat(read.getFieldsDataList().stream().filter(f -> f.getFieldName().equals("n")).findFirst()
                .orElseThrow().getScalars().getLongData().getDataList()).containsExactly(70L);
    }

    private MilvusServer node(int index, String endpoints) throws IOException {
        return nodes.start(Map.of(
                "common.security.authorizationEnabled", "true",
                "localStorage.path", dir.resolve("node" + index).toString(),
                "etcd.endpoints", endpoints,
                "common.session.ttl", Integer.toString(TTL_SECONDS),
                "cluster.changeAckTimeoutMs", "500"));
    }

    private MilvusServiceGrpc.MilvusServiceBlockingStub stub(MilvusServer server, String user, String password) {
        return nodes.stub(server, 30, new WireHeaders(WireHeaders.basic(user, password), null));
    }

    private static void createCollection(MilvusServiceGrpc.MilvusServiceBlockingStub root, String name) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("4")))
                .build();
        ok(root.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(name)
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()));
    }

    private static OperatePrivilegeRequest privilege(String role, String collection, OperatePrivilegeType type) {
        return OperatePrivilegeRequest.newBuilder().setType(type).setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName(role))
                .setObject(ObjectEntity.newBuilder().setName("Collection"))
                .setObjectName(collection).setDbName("default")
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder()
                        .setName("GetLoadState")))).build();
    }

    private static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
