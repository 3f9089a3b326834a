package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.CheckHealthResponse;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.GetVersionResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No {@code Error} escapes a handler: a StackOverflowError, OutOfMemoryError or AssertionError becomes a Milvus
 * {@code Status} in the response (never gRPC UNKNOWN, which the SDKs retry 75 times) and one log line (not a
 * thousand-frame stack trace).
 */
@Timeout(120)
class HandlerErrorTest {
    @TempDir
    Path dataDir;

    @Test
    void aHundredThousandTermFilterIsEvaluatedWithoutOverflowingTheStackOrLogging() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir, Map.of())) {
            MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            SmallCollection.create(stub, 20);
            StringBuilder filter = new StringBuilder("id");
            for (int i = 0; i < 100_000; i++) {
                filter.append(" + 1");
            }
            filter.append(" == 5");
            try (LogCapture logs = new LogCapture()) {
                QueryResults results = stub.query(QueryRequest.newBuilder().setCollectionName("c")
                        .setExpr(filter.toString()).addOutputFields("id").build());
                // A flat chain is evaluated in a loop (it once overflowed the stack and escaped as UNKNOWN):
                // id + 100000 == 5 matches no row of ids 0..19.
                assertThat(results.getStatus().getCode()).as(results.getStatus().getReason()).isZero();
                assertThat(results.getFieldsDataList()).allSatisfy(f ->
                        assertThat(f.getScalars().getLongData().getDataCount()).isZero());
                assertThat(logs.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)))
                        .hasSizeLessThanOrEqualTo(1)
                        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
            }
            // The server still serves.
            assertThat(stub.query(QueryRequest.newBuilder().setCollectionName("c").setExpr("id < 3")
                    .addOutputFields("id").build()).getStatus().getCode()).isZero();
        }
    }

    /** A service whose handlers fail the ways a real one can: deep recursion, a huge allocation, an assertion. */
    private static final class FailingService extends MilvusServiceGrpc.MilvusServiceImplBase {
        @Override
        public void checkHealth(CheckHealthRequest request, StreamObserver<CheckHealthResponse> out) {
            out.onNext(CheckHealthResponse.newBuilder().setIsHealthy(recurse(0) > 0).build());
            out.onCompleted();
        }

        @Override
        public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> out) {
            long[] huge = new long[Integer.MAX_VALUE - 2]; // larger than any -Xmx the tests run with
            out.onNext(GetVersionResponse.newBuilder().setVersion("v" + huge.length).build());
            out.onCompleted();
        }

        @Override
        public void createCollection(io.milvus.grpc.CreateCollectionRequest request, StreamObserver<Status> out) {
            throw new AssertionError("an invariant broke");
        }

        private static int recurse(int depth) {
            return recurse(depth + 1) + 1;
        }
    }

    @Test
    void everyErrorBecomesAMilvusStatusAndOneLogLine() throws Exception {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new FailingService())
                .intercept(new CallGuard(new RequestBudget(1 << 30), Integer.MAX_VALUE))
                .build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try (LogCapture logs = new LogCapture()) {
            MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel);

            Status overflow = stub.checkHealth(CheckHealthRequest.getDefaultInstance()).getStatus();
            assertThat(overflow.getCode()).isEqualTo(65535);
            assertThat(overflow.getReason()).startsWith("internal error in CheckHealth (incident ");

            Status memory = stub.getVersion(GetVersionRequest.getDefaultInstance()).getStatus();
            assertThat(memory.getCode()).isEqualTo(3);
            assertThat(memory.getReason()).startsWith("memory limit exceeded: the server ran out of memory in"
                    + " GetVersion");

            Status assertion = stub.createCollection(io.milvus.grpc.CreateCollectionRequest.getDefaultInstance());
            assertThat(assertion.getCode()).isEqualTo(65535);

            assertThat(logs.warnings()).hasSize(3).allSatisfy(line -> assertThat(line)
                    .contains("event=handler_error").doesNotContain("throwable="));
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
