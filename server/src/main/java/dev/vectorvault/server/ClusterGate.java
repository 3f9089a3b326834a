package dev.vectorvault.server;

import dev.vectorvault.cluster.ClusterNode;
import dev.vectorvault.common.MilvusException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * In cluster mode, refuses every call with gRPC UNAVAILABLE while this node may be deciding on stale metadata (cut
 * off from etcd for longer than its session TTL, rejoining after its lease ended, or unable to reload a mirror).
 * Runs before authentication: a stale node must not accept an old password either. The SDKs retry UNAVAILABLE.
 */
final class ClusterGate implements ServerInterceptor {
    private final ClusterNode node;

    ClusterGate(ClusterNode node) {
        this.node = node;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        try {
            node.checkServing();
        } catch (MilvusException e) {
            call.close(Status.UNAVAILABLE.withDescription(e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
