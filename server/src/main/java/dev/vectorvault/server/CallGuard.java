package dev.vectorvault.server;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import dev.vectorvault.common.ErrorCode;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost interceptor, the one guard every call passes through:
 * <ul>
 *   <li>a request that {@link RequestBudget} refused to parse is closed with the refusal's status;</li>
 *   <li>whatever escapes an interceptor or handler, an {@code Error} included (StackOverflowError, OutOfMemoryError,
 *       AssertionError), is answered with a Milvus {@code Status} in the method's response type (code 3 "memory limit
 *       exceeded" for OutOfMemoryError, 65535 otherwise) and logged on one line. grpc-java would answer UNKNOWN,
 *       which the SDKs retry up to 75 times, and log the whole stack (a thousand lines for a stack overflow);</li>
 *   <li>a response larger than {@code proxy.grpc.serverMaxSendSize} is not sent; the call ends RESOURCE_EXHAUSTED;</li>
 *   <li>the request's budget charge is returned when the call ends.</li>
 * </ul>
 */
final class CallGuard implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);

    private final RequestBudget budget;
    private final int maxSendBytes;

    CallGuard(RequestBudget budget, int maxSendBytes) {
        this.budget = budget;
        this.maxSendBytes = maxSendBytes;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        GuardedCall<Q, R> guarded = new GuardedCall<>(call);
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(guarded, headers);
        } catch (Throwable t) {
            guarded.fail(t);
            return new ServerCall.Listener<>() {};
        }
        return new GuardedListener<>(listener, guarded);
    }

    private final class GuardedListener<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final GuardedCall<Q, R> call;
        private long charged;
        private boolean refused;

        GuardedListener(ServerCall.Listener<Q> delegate, GuardedCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            RequestBudget.Outcome outcome = RequestBudget.takeOutcome();
            if (outcome != null) {
                charged += outcome.charged();
                if (outcome.refusal() != null) {
                    refused = true;
                    LOG.info("event=request_refused method={} status={} reason=\"{}\"", call.method(),
                            outcome.refusal().getCode(), outcome.refusal().getDescription());
                    call.closeOnce(outcome.refusal());
                    return;
                }
            }
            if (refused) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (Throwable t) {
                call.fail(t);
            }
        }

        @Override
        public void onHalfClose() {
            if (refused) {
                return;
            }
            try {
                super.onHalfClose();
            } catch (Throwable t) {
                call.fail(t);
            }
        }

        @Override
        public void onReady() {
            try {
                super.onReady();
            } catch (Throwable t) {
                call.fail(t);
            }
        }

        @Override
        public void onCancel() {
            try {
                super.onCancel();
            } catch (Throwable t) {
                LOG.warn("event=handler_error method={} phase=cancel error={}", call.method(), t.toString());
            } finally {
                releaseCharge();
            }
        }

        @Override
        public void onComplete() {
            try {
                super.onComplete();
            } catch (Throwable t) {
                LOG.warn("event=handler_error method={} phase=complete error={}", call.method(), t.toString());
            } finally {
                releaseCharge();
            }
        }

        private void releaseCharge() {
            budget.release(charged);
            charged = 0;
        }
    }

    /** Tracks whether headers went out and the call was closed, so a failure can still be answered exactly once. */
    private final class GuardedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean headersSent;
        private boolean closed;
        private Status oversized;

        GuardedCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        String method() {
            return getMethodDescriptor().getBareMethodName();
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headersSent = true;
            super.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            if (message instanceof MessageLite lite && lite.getSerializedSize() > maxSendBytes) {
                oversized = Status.RESOURCE_EXHAUSTED.withDescription("response of " + lite.getSerializedSize()
                        + " bytes is larger than the server sends (proxy.grpc.serverMaxSendSize = " + maxSendBytes
                        + " bytes); ask for fewer rows or output fields");
                return;
            }
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = true;
            if (oversized != null && status.isOk()) {
                LOG.info("event=response_refused method={} reason=\"{}\"", method(), oversized.getDescription());
                super.close(oversized, trailers);
                return;
            }
            super.close(status, trailers);
        }

        void closeOnce(Status status) {
            if (!closed) {
                close(status, new Metadata());
            }
        }

        /** Answers a call whose interceptor or handler threw; one log line, never UNKNOWN. */
        void fail(Throwable error) {
            String incident = UUID.randomUUID().toString().substring(0, 8);
            boolean outOfMemory = error instanceof OutOfMemoryError;
            StackTraceElement[] trace = error.getStackTrace();
            LOG.error("event=handler_error method={} incident={} error={} at={}", method(), incident,
                    error.toString(), trace.length == 0 ? "?" : trace[0]);
            if (closed) {
                return;
            }
            ErrorCode code = outOfMemory ? ErrorCode.MEMORY_LIMIT_EXCEEDED : ErrorCode.UNEXPECTED;
            String reason = outOfMemory
                    ? "memory limit exceeded: the server ran out of memory in " + method() + " (incident " + incident
                            + "); retry with a smaller request"
                    : "internal error in " + method() + " (incident " + incident + ")";
            R response = statusResponse(getMethodDescriptor(), code, reason);
            try {
                if (response != null && !headersSent) {
                    sendHeaders(new Metadata());
                    super.sendMessage(response);
                    close(Status.OK, new Metadata());
                } else {
                    close((outOfMemory ? Status.RESOURCE_EXHAUSTED : Status.INTERNAL).withDescription(reason),
                            new Metadata());
                }
            } catch (RuntimeException e) {
                LOG.warn("event=handler_error_unanswered method={} incident={} error={}", method(), incident,
                        e.toString());
            }
        }
    }

    /**
     * The method's response carrying {@code status} (Milvus responses are either a {@code Status} or a message with a
     * {@code status} field); null for other services (health).
     */
    @SuppressWarnings("unchecked")
    static <R> R statusResponse(MethodDescriptor<?, R> method, ErrorCode code, String reason) {
        if (!(method.getResponseMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<R> proto)) {
            return null;
        }
        io.milvus.grpc.Status status = StatusMapper.of(code, reason);
        Object prototype = proto.getMessagePrototype();
        if (prototype instanceof io.milvus.grpc.Status) {
            return (R) status;
        }
        if (prototype instanceof Message message) {
            FieldDescriptor field = message.getDescriptorForType().findFieldByName("status");
            if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && field.getMessageType().equals(io.milvus.grpc.Status.getDescriptor())) {
                return (R) message.toBuilder().setField(field, status).build();
            }
        }
        return null;
    }
}
