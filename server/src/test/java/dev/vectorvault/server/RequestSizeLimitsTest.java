package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory exhaustion by a logged-in user without privileges: large requests are refused before they are parsed, in
 * this JVM's 1 GiB heap (surefire's -Xmx1g), and the server keeps answering. The requests are sent as raw bytes, so
 * the test itself never builds the objects the server must not build.
 */
@Timeout(300)
class RequestSizeLimitsTest {
    @TempDir
    Path dataDir;

    /** QueryRequest {collection_name: "c", output_fields: ["a"] x n}, serialized by hand. */
    private static byte[] queryWithOneCharacterOutputFields(int n) {
        int collectionField = QueryRequest.getDescriptor().findFieldByName("collection_name").getNumber();
        int outputField = QueryRequest.getDescriptor().findFieldByName("output_fields").getNumber();
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * n + 16);
        out.write(collectionField << 3 | 2);
        out.write(1);
        out.write('c');
        byte[] entry = {(byte) (outputField << 3 | 2), 1, 'a'};
        for (int i = 0; i < n; i++) {
            out.write(entry, 0, 3);
        }
        return out.toByteArray();
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException();
        }
    };

    private static final MethodDescriptor<byte[], QueryResults> RAW_QUERY = MilvusServiceGrpc.getQueryMethod()
            .toBuilder(RAW, MilvusServiceGrpc.getQueryMethod().getResponseMarshaller()).build();

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every charge is returned once its call has ended (the server learns that just after the client does). */
    private static void awaitBudgetReturned(LoopbackServer server) throws InterruptedException {
        while (server.server().requestBudget().inUse() != 0) {
            Thread.sleep(5);
        }
    }

    @Test
    void largeMessagesFromAUserWithoutPrivilegesAreRefusedUnparsedAndTheServerKeepsServing() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir,
                Map.of("common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(basic("root", "Milvus"), null))
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            SmallCollection.ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("nobody")
                    .setPassword(Base64.getEncoder().encodeToString("nobody-pw".getBytes(StandardCharsets.UTF_8)))
                    .build()));
            Channel nobody = ClientInterceptors.intercept(server.channel(),
                    new WireHeaders(basic("nobody", "nobody-pw"), null));

            // 60 MB on the wire (under Milvus's 64 MiB default), about 1.2 GB as parsed strings.
            byte[] message = queryWithOneCharacterOutputFields(20_000_000);
            // Four at a time: client and server share this JVM's direct memory (1 GiB), and both sides hold a
            // message's raw bytes while it is in flight.
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<Future<StatusRuntimeException>> sent = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    sent.add(senders.submit(() -> {
                        try {
                            ClientCalls.blockingUnaryCall(nobody, RAW_QUERY,
                                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS), message);
                            return null;
                        } catch (StatusRuntimeException e) {
                            return e;
                        }
                    }));
                }
                for (Future<StatusRuntimeException> outcome : sent) {
                    StatusRuntimeException e = outcome.get();
                    assertThat(e).as("a 60 MB request must be refused").isNotNull();
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("proxy.grpc.maxInflightRecvBytes");
                }
            } finally {
                senders.shutdownNow();
            }

            // Over proxy.grpc.serverMaxRecvSize (64 MiB): refused by gRPC itself, unread.
            byte[] oversized = queryWithOneCharacterOutputFields(23_000_000);
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(nobody, RAW_QUERY,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS), oversized))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED));

            assertThat(root.withDeadlineAfter(60, TimeUnit.SECONDS).checkHealth(CheckHealthRequest.getDefaultInstance())
                    .getIsHealthy()).isTrue();
            awaitBudgetReturned(server);
            System.gc();
            Runtime heap = Runtime.getRuntime();
            System.out.printf("heap after the flood: %d MiB used of %d MiB%n",
                    (heap.totalMemory() - heap.freeMemory()) >> 20, heap.maxMemory() >> 20);
        }
    }

    @Test
    void smallerMessagesStillReachThePrivilegeCheck() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dataDir,
                Map.of("common.security.authorizationEnabled", "true"))) {
            MilvusServiceBlockingStub root = MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(basic("root", "Milvus"), null))
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            SmallCollection.ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("nobody")
                    .setPassword(Base64.getEncoder().encodeToString("nobody-pw".getBytes(StandardCharsets.UTF_8)))
                    .build()));
            Channel nobody = ClientInterceptors.intercept(server.channel(),
                    new WireHeaders(basic("nobody", "nobody-pw"), null));
            // 3 MB: about 60 MB parsed, within the budget; then denied by RBAC as usual.
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(nobody, RAW_QUERY,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                    queryWithOneCharacterOutputFields(1_000_000)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
            awaitBudgetReturned(server);
        }
    }
}
