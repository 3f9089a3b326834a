package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.cluster.CollectionPlacement;
import dev.vectorvault.cluster.CollectionPlacement.Placement;
import dev.vectorvault.cluster.ForwardedIdentity;
import dev.vectorvault.cluster.ForwardingKey;
import dev.vectorvault.cluster.NodeForwarding;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.milvus.grpc.CreateAliasRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteCredentialRequest;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.GetCollectionStatisticsRequest;
import io.milvus.grpc.GrantEntity;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.ObjectEntity;
import io.milvus.grpc.OperatePrivilegeRequest;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in one JVM sharing one metadata store: A owns collection {@code c}, B forwards its data calls to A's
 * internal endpoint. The store is shared but each node's mirrors are loaded at start (no reloads here), which lets a
 * test make B's policy stale on purpose: the owner must still decide with its own.
 */
@Timeout(60)
class ForwardingEndpointTest {
    private static final String PASSWORD = "Secret_123";
    private static final ForwardingKey KEY = () -> filled((byte) 42);
    private static final String INSERT = "milvus.proto.milvus.MilvusService/Insert";

    @TempDir
    Path dir;
    private final MvMetaStore store = MvMetaStore.inMemory();
    private final MutablePlacement placementOnA = new MutablePlacement();
    private final MutablePlacement placementOnB = new MutablePlacement();
    private MilvusServer a;
    private MilvusServer b;
    private ManagedChannel toA;
    private ManagedChannel toB;
    private ManagedChannel toInternalA;

    /** The same placement for every collection, switchable by the test. */
    private static final class MutablePlacement implements CollectionPlacement {
        volatile Placement placement = Placement.LOCAL;

        @Override
        public Placement placementOf(long collectionId) {
            return placement;
        }
    }

    static byte[] filled(byte value) {
        byte[] key = new byte[32];
        Arrays.fill(key, value);
        return key;
    }

    private MilvusServer node(String name, long nodeId, MutablePlacement placement) throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("common.security.authorizationEnabled", "true");
        keys.put("proxy.port", "0");
        keys.put("proxy.internalPort", "0");
        keys.put("cluster.forwardTimeoutMs", "1000");
        keys.put("localStorage.path", dir.resolve(name).toString());
        return MilvusServer.start(ServerConfig.fromFlatKeys(keys), unclosable(store),
                new NodeForwarding(nodeId, placement, KEY));
    }

    /** The shared store, which neither node may close under the other (the test closes it last). */
    static MetaStore unclosable(MetaStore shared) {
        return (MetaStore) Proxy.newProxyInstance(MetaStore.class.getClassLoader(), new Class<?>[] {MetaStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null;
                    }
                    try {
                        return method.invoke(shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @BeforeEach
    void startTwoNodes() throws Exception {
        a = node("a", 1, placementOnA);
        toA = NettyChannelBuilder.forAddress("127.0.0.1", a.port()).usePlaintext().build();
        toInternalA = NettyChannelBuilder.forAddress("127.0.0.1", a.internalPort()).usePlaintext().build();
        MilvusServiceBlockingStub root = stub(toA, "root", "Milvus");
        SmallCollection.create(root, 10);
        HighlighterRpcTest.createDocs(root);
        ok(root.createAlias(CreateAliasRequest.newBuilder().setCollectionName("c").setAlias("c_alias").build()));
        for (String user : new String[] {"alice", "bob", "carol"}) {
            ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername(user).setPassword(
                    Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))).build()));
        }
        ok(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("writer")).build()));
        for (String user : new String[] {"alice", "carol"}) {
            ok(root.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername(user).setRoleName("writer")
                    .setType(OperateUserRoleType.AddUserToRole).build()));
        }
        for (String privilege : new String[] {"Insert", "Query", "Search", "GetStatistics", "Flush"}) {
            ok(root.operatePrivilege(grant(OperatePrivilegeType.Grant, "writer", privilege)));
        }
        // B starts after everything above exists, so its mirrors (loaded at start) agree with A's.
        b = node("b", 2, placementOnB);
        toB = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
        placementOnB.placement = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + a.internalPort());
    }

    @AfterEach
    void stop() {
        for (ManagedChannel channel : new ManagedChannel[] {toA, toB, toInternalA}) {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        store.close();
    }

    // ------------------------------------------------------------------ forwarding through B

    @Test
    void anInsertThroughTheOtherNodeLandsOnTheOwner() {
        MutationResult result = stub(toB, "alice", PASSWORD).insert(rows(100, 3));
        ok(result.getStatus());
        assertThat(result.getInsertCnt()).isEqualTo(3);
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(13);
        assertThat(rowCount(stub(toB, "root", "Milvus"))).as("B's statistics come from A").isEqualTo(13);
        placementOnB.placement = Placement.LOCAL;
        assertThat(rowCount(stub(toB, "root", "Milvus"))).as("B itself holds none of c's rows").isZero();
    }

    @Test
    void searchAndQueryThroughTheOtherNodeReturnTheOwnersData() {
        MilvusServiceBlockingStub alice = stub(toB, "alice", PASSWORD);
        SearchResults found = alice.search(SmallCollection.search(1).setDslType(io.milvus.grpc.DslType.BoolExprV1)
                .addSearchParams(SmallCollection.pair("topk", "3")).build());
        ok(found.getStatus());
        assertThat(found.getResults().getIds().getIntId().getDataList()).containsExactly(0L, 1L, 2L);
        QueryResults count = alice.query(QueryRequest.newBuilder().setCollectionName("c_alias")
                .addOutputFields("count(*)").build());
        ok(count.getStatus());
        assertThat(count.getFieldsData(0).getScalars().getLongData().getData(0)).isEqualTo(10);
    }

    /** The owner highlights; its answer comes back whole, highlights included (a search is answered by one node). */
    @Test
    void aHighlightedSearchThroughTheOtherNodeKeepsTheOwnersHighlights() {
        SearchResults found = stub(toB, "root", "Milvus").search(HighlighterRpcTest.fullText(
                HighlighterRpcTest.lexical("highlight_search_text", "true"), "rice").build());
        ok(found.getStatus());
        assertThat(found.getResults().getIds().getIntId().getDataList()).containsExactly(2L, 1L);
        assertThat(found.getResults().getHighlightResultsList()).singleElement().satisfies(r -> {
            assertThat(r.getFieldName()).isEqualTo("text");
            assertThat(HighlighterRpcTest.fragments(r)).containsExactly(
                    java.util.List.of("<em>rice</em>, <em>rice</em>, <em>rice</em>"),
                    java.util.List.of("<em>rice</em>"));
        });
    }

    @Test
    void indexProgressAndFlushThroughTheOtherNodeComeFromTheOwner() {
        MilvusServiceBlockingStub root = stub(toB, "root", "Milvus");
        var index = root.describeIndex(DescribeIndexRequest.newBuilder().setCollectionName("c").build());
        ok(index.getStatus());
        assertThat(index.getIndexDescriptions(0).getTotalRows()).isEqualTo(10);
        ok(stub(toB, "alice", PASSWORD).flush(FlushRequest.newBuilder().addCollectionNames("c").build())
                .getStatus());
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(10);
    }

    @Test
    void compactionAndSegmentViewsThroughTheOtherNodeActOnTheOwner() {
        MilvusServiceBlockingStub root = stub(toB, "root", "Milvus");
        ok(root.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        ok(root.delete(io.milvus.grpc.DeleteRequest.newBuilder().setCollectionName("c").setExpr("id in [1]")
                .build()).getStatus());
        // Named by camel-case collectionName: B holds none of c's rows, so these are the owner's.
        var segments = root.getPersistentSegmentInfo(io.milvus.grpc.GetPersistentSegmentInfoRequest.newBuilder()
                .setCollectionName("c").build());
        ok(segments.getStatus());
        assertThat(segments.getInfosList()).extracting(io.milvus.grpc.PersistentSegmentInfo::getNumRows)
                .containsExactly(10L);
        // Named by id only, as the Java SDK sends it.
        long id = root.describeCollection(io.milvus.grpc.DescribeCollectionRequest.newBuilder()
                .setCollectionName("c").build()).getCollectionID();
        var compaction = root.manualCompaction(io.milvus.grpc.ManualCompactionRequest.newBuilder()
                .setCollectionID(id).build());
        ok(compaction.getStatus());
        assertThat(compaction.getCompactionPlanCount()).isEqualTo(1);
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(9);
    }

    @Test
    void aUserWithoutThePrivilegeIsDeniedOnTheEntryNode() {
        assertThatThrownBy(() -> stub(toB, "bob", PASSWORD).insert(rows(100, 1)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("PrivilegeInsert: permission deny to bob in the `default` database");
                });
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(10);
    }

    @Test
    void aRevokeOnTheOwnerDeniesAForwardedCallThatTheEntryNodeStillAllows() {
        ok(stub(toA, "root", "Milvus").operatePrivilege(grant(OperatePrivilegeType.Revoke, "writer", "Insert")));
        // B has not seen the revoke (its policy was loaded at start): locally it still allows alice's insert.
        placementOnB.placement = Placement.LOCAL;
        ok(stub(toB, "alice", PASSWORD).insert(rows(200, 1)).getStatus());
        placementOnB.placement = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + a.internalPort());

        assertThatThrownBy(() -> stub(toB, "alice", PASSWORD).insert(rows(100, 1)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("PrivilegeInsert: permission deny to alice in the `default` database");
                });
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(10);
    }

    @Test
    void aUserDeletedOnTheOwnerIsRefusedThereEvenIfTheEntryNodeStillKnowsIt() {
        ok(stub(toA, "root", "Milvus").deleteCredential(DeleteCredentialRequest.newBuilder().setUsername("carol")
                .build()));
        MilvusServiceBlockingStub carol = stub(toB, "carol", PASSWORD);
        assertThat(carol.hasCollection(HasCollectionRequest.newBuilder().setCollectionName("c").build()).getValue())
                .as("B still accepts carol for what it serves itself").isTrue();
        assertThatThrownBy(() -> carol.insert(rows(100, 1)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED));
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(10);
    }

    @Test
    void aCollectionWhoseOwnerIsNotLiveIsReportedUnavailable() {
        placementOnB.placement = new Placement(Placement.Kind.OWNER_NOT_LIVE, 7, "");
        MutationResult result = stub(toB, "alice", PASSWORD).insert(rows(100, 1));
        assertThat(result.getStatus().getCode()).isEqualTo(2);
        assertThat(result.getStatus().getReason())
                .isEqualTo("collection c is served by node 7, which is not live; retry when it is back");
    }

    @Test
    void anOwnerThatDoesNotAnswerGivesAClearStatusNotAHang() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        placementOnB.placement = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + closedPort);
        QueryResults result = stub(toB, "alice", PASSWORD).query(QueryRequest.newBuilder().setCollectionName("c")
                .addOutputFields("count(*)").build());
        assertThat(result.getStatus().getCode()).isEqualTo(2);
        assertThat(result.getStatus().getReason()).startsWith("collection c is served by node 1, which cannot serve it"
                + " now (").endsWith("); retry when it is back");
    }

    @Test
    void theClientsDeadlineBoundsAForwardedCallToAnOwnerThatNeverAnswers() throws Exception {
        // Accepts TCP connections (the kernel's backlog) but never speaks HTTP/2: a hung owner.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            placementOnB.placement = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + silent.getLocalPort());
            assertThatThrownBy(() -> MilvusServiceGrpc.newBlockingStub(toB).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .withInterceptors(new WireHeaders(WireHeaders.basic("alice", PASSWORD), "default"))
                    .query(QueryRequest.newBuilder().setCollectionName("c").addOutputFields("count(*)").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(io.grpc.Status.Code.DEADLINE_EXCEEDED));
        }
    }

    @Test
    void withoutAClientDeadlineTheForwardTimeoutBoundsACallToAnOwnerThatNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            placementOnB.placement = new Placement(Placement.Kind.REMOTE, 1, "127.0.0.1:" + silent.getLocalPort());
            QueryResults result = MilvusServiceGrpc.newBlockingStub(toB)
                    .withInterceptors(new WireHeaders(WireHeaders.basic("alice", PASSWORD), "default"))
                    .query(QueryRequest.newBuilder().setCollectionName("c").addOutputFields("count(*)").build());
            assertThat(result.getStatus().getCode()).isEqualTo(2);
            assertThat(result.getStatus().getReason()).isEqualTo("collection c is served by node 1, which did not"
                    + " answer within cluster.forwardTimeoutMs (1000 ms); the call may have been applied there;"
                    + " retry when it is back");
        }
    }

    @Test
    void theInternalEndpointNeverForwardsAgain() {
        // A itself now believes B owns c: its public endpoint would forward, its internal endpoint serves locally.
        placementOnA.placement = new Placement(Placement.Kind.REMOTE, 2, "127.0.0.1:" + b.internalPort());
        InsertRequest insert = rows(300, 2);
        MutationResult result = signed(toInternalA, identity("alice", insert, System.currentTimeMillis()), KEY)
                .insert(insert);
        ok(result.getStatus());
        placementOnA.placement = Placement.LOCAL;
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(12);
    }

    // ------------------------------------------------------------------ A's internal endpoint

    @Test
    void aCorrectlySignedCallToTheInternalEndpointIsServed() {
        InsertRequest insert = rows(100, 1);
        ok(signed(toInternalA, identity("alice", insert, System.currentTimeMillis()), KEY).insert(insert)
                .getStatus());
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(11);
    }

    @Test
    void unsignedForgedModifiedOrStaleCallsToTheInternalEndpointAreRefused() {
        InsertRequest insert = rows(100, 1);
        long now = System.currentTimeMillis();
        ForwardingKey wrongKey = () -> filled((byte) 43);
        assertRefused(() -> MilvusServiceGrpc.newBlockingStub(toInternalA).withDeadlineAfter(20, TimeUnit.SECONDS)
                .insert(insert));
        assertRefused(() -> stub(toInternalA, "root", "Milvus").insert(insert));
        assertRefused(() -> signed(toInternalA, identity("alice", insert, now), wrongKey).insert(insert));
        assertRefused(() -> signed(toInternalA, identity("alice", insert, now), KEY).insert(rows(101, 1)));
        assertRefused(() -> signed(toInternalA, identity("alice", insert, now - 61_000), KEY).insert(insert));
        assertRefused(() -> signed(toInternalA, identity("alice", insert, now + 61_000), KEY).insert(insert));
        // Signed for alice but claiming root: the claimed identity is what is verified.
        ForwardedIdentity alice = identity("alice", insert, now);
        Metadata claimsRoot = ForwardedCallHeaders.of(identity("root", insert, now), alice.signature(KEY));
        assertRefused(() -> MilvusServiceGrpc.newBlockingStub(toInternalA)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(claimsRoot)).insert(insert));
        // Signed for Insert, sent as Delete's request type would not even parse; a different method is refused.
        ForwardedIdentity forSearch = new ForwardedIdentity("milvus.proto.milvus.MilvusService/Upsert", "alice",
                "default", "test", 9, now, ForwardedIdentity.digestOf(insert.toByteArray()));
        assertRefused(() -> MilvusServiceGrpc.newBlockingStub(toInternalA)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        ForwardedCallHeaders.of(forSearch, forSearch.signature(KEY)))).insert(insert));
        assertThat(rowCount(stub(toA, "root", "Milvus"))).isEqualTo(10);
    }

    @Test
    void aForwardedCallForAUserWithoutThePrivilegeIsDeniedByTheOwner() {
        InsertRequest insert = rows(100, 1);
        assertThatThrownBy(() -> signed(toInternalA, identity("bob", insert, System.currentTimeMillis()), KEY)
                .insert(insert)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
    }

    // ------------------------------------------------------------------ helpers

    private static void assertRefused(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo(ForwardedIdentityInterceptor.REFUSED)
                    .doesNotContain(Base64.getEncoder().encodeToString(filled((byte) 42)));
        });
    }

    private static ForwardedIdentity identity(String user, InsertRequest request, long issuedAt) {
        return new ForwardedIdentity(INSERT, user, "default", "test", 9, issuedAt,
                ForwardedIdentity.digestOf(request.toByteArray()));
    }

    private static MilvusServiceBlockingStub signed(ManagedChannel channel, ForwardedIdentity identity,
                                                    ForwardingKey key) {
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        ForwardedCallHeaders.of(identity, identity.signature(key))));
    }

    private static MilvusServiceBlockingStub stub(ManagedChannel channel, String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), "default"));
    }

    static long rowCount(MilvusServiceBlockingStub stub) {
        var stats = stub.getCollectionStatistics(GetCollectionStatisticsRequest.newBuilder().setCollectionName("c")
                .build());
        ok(stats.getStatus());
        return Long.parseLong(stats.getStats(0).getValue());
    }

    /** {@code count} rows with ids from {@code firstId}. */
    static InsertRequest rows(long firstId, int count) {
        LongArray.Builder ids = LongArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        for (int i = 0; i < count; i++) {
            ids.addData(firstId + i);
            for (int d = 0; d < SmallCollection.DIM; d++) {
                vectors.addData(firstId + i);
            }
        }
        return InsertRequest.newBuilder().setCollectionName("c").setNumRows(count)
                .addFieldsData(FieldData.newBuilder().setFieldName("id").setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)))
                .addFieldsData(FieldData.newBuilder().setFieldName("v").setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(SmallCollection.DIM).setFloatVector(vectors)))
                .build();
    }

    private static OperatePrivilegeRequest grant(OperatePrivilegeType type, String role, String privilege) {
        return OperatePrivilegeRequest.newBuilder().setType(type).setEntity(GrantEntity.newBuilder()
                .setRole(RoleEntity.newBuilder().setName(role))
                .setObject(ObjectEntity.newBuilder().setName("Collection"))
                .setObjectName("c")
                .setDbName("default")
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder().setName(privilege))))
                .build();
    }

    private static void ok(Status status) {
        assertThat(status.getCode()).as(status.getReason()).isZero();
    }
}
