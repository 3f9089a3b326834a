package dev.vectorvault.server;

import io.grpc.Attributes;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.milvus.grpc.MilvusServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The REST API's only way into the Milvus service: an in-process gRPC server carrying the very interceptor chain of
 * the public port (metrics, call guard, authentication with its throttle, the privilege check and its audit,
 * cluster forwarding, ...). A REST call becomes the gRPC request it stands for, so no check exists twice.
 * <p>
 * In-process calls have no socket, so the HTTP connection's client address and id travel in a header that only
 * this server reads ({@link OriginInterceptor}, the outermost step): authentication, the login throttle, protected
 * mode and the connection guard see the HTTP client exactly as they see a gRPC client. The in-process server has a
 * random name and is reachable from this process only, so nobody else can set that header.
 */
final class RestGateway implements AutoCloseable {
    static final Metadata.Key<String> ORIGIN = Metadata.Key.of("vectorvault-http-origin",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final ManagedChannel channel;

    /**
     * @param chain the public port's interceptors in the order they were added to its builder (the last runs first)
     */
    RestGateway(List<ServerServiceDefinition> services, List<ServerInterceptor> chain, int maxRecvBytes)
            throws IOException {
        String name = "vectorvault-rest-" + UUID.randomUUID();
        List<ServerInterceptor> all = new ArrayList<>(chain);
        all.add(new OriginInterceptor());
        // Direct executors: the service runs on the REST worker thread that made the call, no hand-over.
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        builder.maxInboundMessageSize(maxRecvBytes);
        for (ServerServiceDefinition service : services) {
            builder.addService(ServerInterceptors.intercept(service, all));
        }
        this.server = builder.build().start();
        this.channel = InProcessChannelBuilder.forName(name).directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE).build();
    }

    /** Who is calling: the HTTP connection's client and id, the gRPC {@code authorization} value, the database. */
    record Origin(InetSocketAddress client, long connectionId, String authorization, String database) {}

    /** A stub whose calls carry the caller's credentials, database and origin. */
    MilvusServiceGrpc.MilvusServiceBlockingStub stub(Origin origin) {
        return MilvusServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(origin)));
    }

    /** One of {@link RestSchemaService}'s schema reads, as this caller. */
    <Q> io.milvus.grpc.DescribeCollectionResponse collectionSchema(
            Origin origin, io.grpc.MethodDescriptor<Q, io.milvus.grpc.DescribeCollectionResponse> method, Q request) {
        return io.grpc.stub.ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel,
                        MetadataUtils.newAttachHeadersInterceptor(headers(origin))),
                method, io.grpc.CallOptions.DEFAULT, request);
    }

    private static Metadata headers(Origin origin) {
        Metadata headers = new Metadata();
        if (origin.authorization() != null) {
            headers.put(AuthInterceptor.AUTHORIZATION, origin.authorization());
        }
        headers.put(AuthInterceptor.DBNAME, origin.database());
        headers.put(ORIGIN, origin.connectionId() + "/" + origin.client().getAddress().getHostAddress() + "/"
                + origin.client().getPort());
        return headers;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Presents the HTTP client's address and connection id as the call's transport attributes. */
    private static final class OriginInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String origin = headers.get(ORIGIN);
            headers.removeAll(ORIGIN);
            if (origin == null) {
                return next.startCall(call, headers);
            }
            String[] parts = origin.split("/", 3);
            InetSocketAddress client;
            try {
                // Always a literal written by RestGateway.stub: no name lookup happens.
                client = new InetSocketAddress(InetAddress.getByName(parts[1]), Integer.parseInt(parts[2]));
            } catch (UnknownHostException | RuntimeException e) {
                throw new IllegalStateException("malformed REST origin header", e);
            }
            Attributes attributes = call.getAttributes().toBuilder()
                    .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, client)
                    .set(ConnectionTracker.CONNECTION_ID, Long.parseLong(parts[0]))
                    .build();
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public Attributes getAttributes() {
                    return attributes;
                }
            }, headers);
        }
    }
}
