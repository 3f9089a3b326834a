package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.BatchDescribeCollectionRequest;
import io.milvus.grpc.BatchDescribeCollectionResponse;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.TruncateCollectionRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Milvus 2.6's BatchDescribeCollection and TruncateCollection on the wire. */
@Timeout(120)
class BatchDescribeAndTruncateRpcTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        SmallCollection.create(stub, 10);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void batchDescribeAnswersEachNameWithItsOwnStatus() {
        BatchDescribeCollectionResponse batch = stub.batchDescribeCollection(BatchDescribeCollectionRequest
                .newBuilder().addCollectionName("c").addCollectionName("missing").build());
        assertThat(batch.getStatus().getCode()).isZero();
        assertThat(batch.getResponsesList()).hasSize(2);
        DescribeCollectionResponse c = batch.getResponses(0);
        assertThat(c.getStatus().getCode()).isZero();
        assertThat(c.getCollectionName()).isEqualTo("c");
        assertThat(c.getSchema().getFieldsCount()).isGreaterThanOrEqualTo(2);
        assertThat(batch.getResponses(1).getStatus().getCode()).isEqualTo(100);
        assertThat(batch.getResponses(1).getCollectionName()).isEqualTo("missing");

        BatchDescribeCollectionResponse byId = stub.batchDescribeCollection(BatchDescribeCollectionRequest
                .newBuilder().addCollectionID(c.getCollectionID()).build());
        assertThat(byId.getResponses(0).getCollectionName()).isEqualTo("c");

        BatchDescribeCollectionResponse empty = stub.batchDescribeCollection(
                BatchDescribeCollectionRequest.getDefaultInstance());
        assertThat(empty.getStatus().getCode()).isEqualTo(1100);
        assertThat(empty.getStatus().getReason()).contains("collection names cannot be empty");
    }

    @Test
    void truncateEmptiesTheCollectionAndKeepsItServing() {
        QueryRequest count = QueryRequest.newBuilder().setCollectionName("c").setExpr("")
                .addOutputFields("count(*)").build();
        assertThat(countOf(stub.query(count))).isEqualTo(10);
        assertThat(stub.truncateCollection(TruncateCollectionRequest.newBuilder().setCollectionName("c").build())
                .getStatus().getCode()).isZero();
        assertThat(countOf(stub.query(count))).isZero();
        assertThat(stub.truncateCollection(TruncateCollectionRequest.newBuilder().setCollectionName("gone").build())
                .getStatus().getCode()).isEqualTo(100);
    }

    private static long countOf(QueryResults results) {
        assertThat(results.getStatus().getCode()).isZero();
        return results.getFieldsData(0).getScalars().getLongData().getData(0);
    }
}
