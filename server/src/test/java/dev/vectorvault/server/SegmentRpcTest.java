package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.CompactionState;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.GetCompactionPlansRequest;
import io.milvus.grpc.GetCompactionPlansResponse;
import io.milvus.grpc.GetCompactionStateRequest;
import io.milvus.grpc.GetCompactionStateResponse;
import io.milvus.grpc.GetPersistentSegmentInfoRequest;
import io.milvus.grpc.GetPersistentSegmentInfoResponse;
import io.milvus.grpc.GetQuerySegmentInfoRequest;
import io.milvus.grpc.GetQuerySegmentInfoResponse;
import io.milvus.grpc.ManualCompactionRequest;
import io.milvus.grpc.ManualCompactionResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.PersistentSegmentInfo;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.SegmentState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ManualCompaction, its state, the segment views and FlushAll on the wire. */
@Timeout(120)
class SegmentRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub root;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("common.security.authorizationEnabled", "true"));
        root = as("root", "Milvus");
        SmallCollection.create(root, 10); // ids 0..9
        SmallCollection.ok(root.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MilvusServiceBlockingStub as(String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), null))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private GetPersistentSegmentInfoResponse persistent() {
        GetPersistentSegmentInfoResponse info = root.getPersistentSegmentInfo(GetPersistentSegmentInfoRequest
                .newBuilder().setCollectionName("c").build());
        SmallCollection.ok(info.getStatus());
        return info;
    }

    @Test
    void manualCompactionMergesFlushedSegmentsAndDropsDeletedRows() {
        SmallCollection.insert(root, 10, 20);
        SmallCollection.ok(root.flush(FlushRequest.newBuilder().addCollectionNames("c").build()).getStatus());
        SmallCollection.ok(root.delete(DeleteRequest.newBuilder().setCollectionName("c").setExpr("id in [0, 1, 12]")
                .build()).getStatus());
        assertThat(persistent().getInfosList()).extracting(PersistentSegmentInfo::getNumRows, PersistentSegmentInfo::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10L, SegmentState.Flushed),
                        org.assertj.core.groups.Tuple.tuple(10L, SegmentState.Flushed));
        long collectionId = root.describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName("c")
                .build()).getCollectionID();

        // The Java SDK sends the collection's id, not its name.
        ManualCompactionResponse compaction = root.manualCompaction(ManualCompactionRequest.newBuilder()
                .setCollectionID(collectionId).build());

        SmallCollection.ok(compaction.getStatus());
        assertThat(compaction.getCompactionPlanCount()).isEqualTo(1);
        GetCompactionStateResponse state = root.getCompactionState(GetCompactionStateRequest.newBuilder()
                .setCompactionID(compaction.getCompactionID()).build());
        SmallCollection.ok(state.getStatus());
        assertThat(state.getState()).isEqualTo(CompactionState.Completed);
        assertThat(state.getCompletedPlanNo()).isEqualTo(1);
        GetCompactionPlansResponse plans = root.getCompactionStateWithPlans(GetCompactionPlansRequest.newBuilder()
                .setCompactionID(compaction.getCompactionID()).build());
        assertThat(plans.getMergeInfosList()).hasSize(1);
        assertThat(plans.getMergeInfos(0).getSourcesList()).hasSize(2);
        assertThat(persistent().getInfosList()).extracting(PersistentSegmentInfo::getSegmentID,
                        PersistentSegmentInfo::getNumRows)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(plans.getMergeInfos(0).getTarget(), 17L));

        // The same rows answer as before.
        assertThat(root.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("")
                .addOutputFields("count(*)").build()).getFieldsData(0).getScalars().getLongData().getData(0))
                .isEqualTo(17);
        SearchResults searched = root.search(SmallCollection.search(1, "topk", "3").setCollectionName("c").build());
        SmallCollection.ok(searched.getStatus());
        assertThat(searched.getResults().getIds().getIntId().getDataList()).containsExactly(2L, 3L, 4L);

        // Nothing left to do: completed with no plan; an id nobody issued reads as completed, as in Milvus.
        assertThat(root.manualCompaction(ManualCompactionRequest.newBuilder().setCollectionName("c").build())
                .getCompactionPlanCount()).isZero();
        assertThat(root.getCompactionState(GetCompactionStateRequest.newBuilder().setCompactionID(42).build())
                .getState()).isEqualTo(CompactionState.Completed);
    }

    @Test
    void querySegmentInfoDescribesTheLoadedSealedSegmentsAndRefusesAReleasedCollection() {
        SmallCollection.insert(root, 10, 13); // growing: not listed
        GetQuerySegmentInfoResponse loaded = root.getQuerySegmentInfo(GetQuerySegmentInfoRequest.newBuilder()
                .setCollectionName("c").build());
        SmallCollection.ok(loaded.getStatus());
        assertThat(loaded.getInfosList()).hasSize(1);
        assertThat(loaded.getInfos(0).getNumRows()).isEqualTo(10);
        assertThat(loaded.getInfos(0).getMemSize()).isEqualTo(10L * SmallCollection.DIM * Float.BYTES);
        assertThat(loaded.getInfos(0).getIndexName()).isNotEmpty();
        assertThat(persistent().getInfosList()).extracting(PersistentSegmentInfo::getState)
                .containsExactly(SegmentState.Flushed, SegmentState.Growing);

        SmallCollection.ok(root.releaseCollection(ReleaseCollectionRequest.newBuilder().setCollectionName("c")
                .build()));
        assertThat(root.getQuerySegmentInfo(GetQuerySegmentInfoRequest.newBuilder().setCollectionName("c").build())
                .getStatus().getCode()).isEqualTo(101);
    }

    @Test
    void requestsItCannotHonourAreRefusedAndChangeNothing() {
        for (ManualCompactionRequest refused : new ManualCompactionRequest[] {
            ManualCompactionRequest.newBuilder().setCollectionName("c").setMajorCompaction(true).build(),
            ManualCompactionRequest.newBuilder().setCollectionName("c").setTargetSize(1 << 20).build(),
            ManualCompactionRequest.newBuilder().setCollectionName("c").setChannel("by-dev-rootcoord-dml_0").build(),
            ManualCompactionRequest.newBuilder().setCollectionName("c").addSegmentIds(123_456).build()}) {
            ManualCompactionResponse response = root.manualCompaction(refused);
            assertThat(response.getStatus().getCode()).as(refused.toString()).isEqualTo(1100);
        }
        assertThat(root.manualCompaction(ManualCompactionRequest.newBuilder().setCollectionID(987_654).build())
                .getStatus().getCode()).isEqualTo(100);
        assertThat(root.manualCompaction(ManualCompactionRequest.newBuilder().setCollectionName("c")
                .setPartitionId(987_654).build()).getStatus().getCode()).isEqualTo(200);
        assertThat(root.getPersistentSegmentInfo(GetPersistentSegmentInfoRequest.newBuilder()
                .setCollectionName("missing").build()).getStatus().getCode()).isEqualTo(100);
        assertThat(persistent().getInfosList()).hasSize(1);
    }

    @Test
    void flushAllSealsTheGrowingRowsAndReportsThemFlushed() {
        SmallCollection.insert(root, 10, 15);
        assertThat(persistent().getInfosList()).extracting(PersistentSegmentInfo::getState)
                .containsExactly(SegmentState.Flushed, SegmentState.Growing);
        io.milvus.grpc.FlushAllResponse flushed = root.flushAll(io.milvus.grpc.FlushAllRequest.getDefaultInstance());
        SmallCollection.ok(flushed.getStatus());
        assertThat(flushed.getFlushAllTs()).isPositive();
        assertThat(persistent().getInfosList()).extracting(PersistentSegmentInfo::getState)
                .containsOnly(SegmentState.Flushed);
        io.milvus.grpc.GetFlushAllStateResponse state = root.getFlushAllState(io.milvus.grpc.GetFlushAllStateRequest
                .newBuilder().setFlushAllTs(flushed.getFlushAllTs()).build());
        SmallCollection.ok(state.getStatus());
        assertThat(state.getFlushed()).isTrue();
        assertThat(root.flushAll(io.milvus.grpc.FlushAllRequest.newBuilder().setDbName("nowhere").build())
                .getStatus().getCode()).isEqualTo(800);
    }

    @Test
    void aUserWithoutGrantsNeitherCompactsNorSeesTheSegments() {
        SmallCollection.ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("eve")
                .setPassword(Base64.getEncoder().encodeToString("Eve-pass-123".getBytes(StandardCharsets.UTF_8)))
                .build()));
        MilvusServiceBlockingStub eve = as("eve", "Eve-pass-123");

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> eve.manualCompaction(
                ManualCompactionRequest.newBuilder().setCollectionName("c").build())))
                .hasMessageContaining("PERMISSION_DENIED");
        assertThat(eve.getPersistentSegmentInfo(GetPersistentSegmentInfoRequest.newBuilder().setCollectionName("c")
                .build()).getStatus().getCode()).isEqualTo(1401);
        assertThat(eve.getQuerySegmentInfo(GetQuerySegmentInfoRequest.newBuilder().setCollectionName("c")
                .build()).getStatus().getCode()).isEqualTo(1401);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> eve.flushAll(
                io.milvus.grpc.FlushAllRequest.getDefaultInstance()))).hasMessageContaining("PERMISSION_DENIED");
    }
}
