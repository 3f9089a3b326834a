package dev.vectorvault.server;

import dev.vectorvault.cluster.ChangeBarrier;
import dev.vectorvault.cluster.WrittenRevision;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * In cluster mode, holds the answer of a call that changed metadata until every live node has applied the change
 * ({@link ChangeBarrier}): after UpdateCredential, a revoke or DropRole returns, no node accepts the old password or
 * the revoked privilege. The innermost interceptor: it tracks the metadata revisions the handler writes on its thread
 * and waits before the response leaves. When the wait fails (this node lost etcd), the client is told the change is
 * stored but not yet confirmed everywhere, instead of a success.
 */
final class ChangePropagation implements ServerInterceptor {
    private final ChangeBarrier barrier;

    ChangePropagation(ChangeBarrier barrier) {
        this.barrier = barrier;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        HeldCall<Q, R> held = new HeldCall<>(call);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(held, headers)) {
            @Override
            public void onHalfClose() {
                WrittenRevision.begin();
                try {
                    super.onHalfClose();
                } finally {
                    WrittenRevision.end();
                }
            }
        };
    }

    private final class HeldCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean awaited;
        private MilvusException failure;

        HeldCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void sendMessage(R message) {
            awaitOnce();
            if (failure != null) {
                R refusal = CallGuard.statusResponse(getMethodDescriptor(), failure.errorCode(), failure.getMessage());
                if (refusal != null) {
                    super.sendMessage(refusal);
                    return;
                }
            }
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            awaitOnce();
            if (failure != null && status.isOk() && CallGuard.statusResponse(getMethodDescriptor(),
                    failure.errorCode(), failure.getMessage()) == null) {
                super.close(Status.UNAVAILABLE.withDescription(failure.getMessage()), trailers);
                return;
            }
            super.close(status, trailers);
        }

        private void awaitOnce() {
            if (awaited || WrittenRevision.current() == 0) {
                return;
            }
            awaited = true;
            try {
                barrier.awaitEverywhere();
            } catch (MilvusException e) {
                failure = new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "the change is stored, but not every"
                        + " node could be confirmed to have applied it: " + e.getMessage());
            }
        }
    }
}
