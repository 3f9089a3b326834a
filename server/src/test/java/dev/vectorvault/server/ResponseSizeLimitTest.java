package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code proxy.grpc.serverMaxSendSize}: a larger response is not sent; the call ends RESOURCE_EXHAUSTED (not retried). */
@Timeout(60)
class ResponseSizeLimitTest {
    @TempDir
    Path dataDir;

    @Test
    void aResponseOverServerMaxSendSizeIsRefusedAndSmallerOnesAreSent() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir, Map.of("proxy.grpc.serverMaxSendSize", "2048"))) {
            MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            SmallCollection.create(stub, 200);
            assertThatThrownBy(() -> stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id >= 0")
                    .addOutputFields("v").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("proxy.grpc.serverMaxSendSize = 2048");
                    });
            assertThat(stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id < 5")
                    .addOutputFields("v").build()).getStatus().getCode()).isZero();
        }
    }
}
