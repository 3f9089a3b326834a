package dev.vectorvault.acceptance;

import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.shaded.io.grpc.ManagedChannelBuilder;
import io.milvus.shaded.io.grpc.Metadata;
import io.milvus.shaded.io.grpc.stub.MetadataUtils;
import io.milvus.grpc.BackupRBACMetaRequest;
import io.milvus.grpc.BackupRBACMetaResponse;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.RBACMeta;
import io.milvus.grpc.RestoreRBACMetaRequest;
import io.milvus.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * BackupRBAC and RestoreRBAC, which the Java SDK 2.6.22 has no client method for, called with the SDK's own generated
 * gRPC stub (on the SDK's shaded grpc-java) and the {@code authorization} header the SDK sends (base64 of
 * {@code user:password}).
 */
final class RbacWire implements AutoCloseable {
    private final ManagedChannel channel;
    private final MilvusServiceGrpc.MilvusServiceBlockingStub stub;

    RbacWire(ServerProcess server, String user, String password) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        stub = MilvusServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    BackupRBACMetaResponse backup() {
        return stub.withDeadlineAfter(15, TimeUnit.SECONDS).backupRBAC(BackupRBACMetaRequest.newBuilder().build());
    }

    Status restore(RBACMeta meta) {
        return stub.withDeadlineAfter(15, TimeUnit.SECONDS)
                .restoreRBAC(RestoreRBACMetaRequest.newBuilder().setRBACMeta(meta).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
