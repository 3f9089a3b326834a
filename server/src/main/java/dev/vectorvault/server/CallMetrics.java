package dev.vectorvault.server;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.vectorvault.metrics.ServerMetrics;
import dev.vectorvault.metrics.ServerMetrics.CallStatus;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.UpsertRequest;

/**
 * Counts every call for {@link ServerMetrics}: its RPC, how it ended and how long it took, and the vectors searched
 * and inserted. The outermost interceptor, so calls refused by authentication or a limit are counted too (as
 * {@code rejected}); a call whose response carries a Milvus error status counts as {@code fail}, as in Milvus.
 */
final class CallMetrics implements ServerInterceptor {
    private final ServerMetrics metrics;

    CallMetrics(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        MeasuredCall<Q, R> measured = new MeasuredCall<>(call, method, started);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                next.startCall(measured, headers)) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof SearchRequest search) {
                    measured.searched = search.getNq() > 0 ? search.getNq() : 1;
                } else if (message instanceof InsertRequest insert) {
                    measured.inserted = insert.getNumRows();
                } else if (message instanceof UpsertRequest upsert) {
                    measured.inserted = upsert.getNumRows();
                }
                super.onMessage(message);
            }
        };
    }

    private final class MeasuredCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final String method;
        private final long started;
        private volatile boolean milvusError;
        private volatile long searched;
        private volatile long inserted;

        MeasuredCall(ServerCall<Q, R> delegate, String method, long started) {
            super(delegate);
            this.method = method;
            this.started = started;
        }

        @Override
        public void sendMessage(R message) {
            if (message instanceof Message response && failed(response)) {
                milvusError = true;
            }
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            CallStatus outcome = !status.isOk() ? CallStatus.REJECTED
                    : milvusError ? CallStatus.FAIL : CallStatus.SUCCESS;
            metrics.callCompleted(method, outcome, System.nanoTime() - started);
            if (outcome == CallStatus.SUCCESS) {
                if (searched > 0) {
                    metrics.vectorsSearched(searched);
                }
                if (inserted > 0) {
                    metrics.vectorsInserted(inserted);
                }
            }
            super.close(status, trailers);
        }
    }

    /** Whether a response is, or carries, a Milvus status that is not success (code or legacy error_code). */
    private static boolean failed(Message response) {
        Message status = response;
        if (!(response instanceof io.milvus.grpc.Status)) {
            Descriptors.FieldDescriptor field = response.getDescriptorForType().findFieldByName("status");
            if (field == null || field.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE
                    || !response.hasField(field)) {
                return false;
            }
            status = (Message) response.getField(field);
        }
        if (!(status instanceof io.milvus.grpc.Status milvus)) {
            return false;
        }
        return milvus.getCode() != 0 || milvus.getErrorCodeValue() != 0;
    }
}
