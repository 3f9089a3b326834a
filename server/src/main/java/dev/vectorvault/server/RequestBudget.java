package dev.vectorvault.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the heap that request messages take while they are parsed and handled ({@code proxy.grpc.maxInflightRecvBytes}).
 * Every request is charged an estimate of its parsed size before it is parsed; when the budget cannot cover it, the
 * request is refused unparsed with RESOURCE_EXHAUSTED (which no SDK retries), so a flood of large messages, from any
 * user and before any privilege check, cannot run the heap out. The charge is returned when the call ends.
 *
 * <p>Parsing happens inside grpc-java, in the request marshaller, where a thrown exception becomes UNKNOWN (retried
 * 75 times by the Java SDK). So the marshaller never throws: it hands the outcome (the charge, or why the request was
 * refused) to {@link CallGuard} on the same thread, which closes a refused call with a clear status.
 */
final class RequestBudget {
    /** Messages up to this size are charged a worst-case factor instead of being walked. */
    static final int SMALL_MESSAGE = 64 * 1024;
    /** Heap per wire byte at worst (empty nested messages); small messages are charged this much. */
    static final long WORST_FACTOR = 32;

    /** What the marshaller decided about the message it just parsed (or refused). */
    record Outcome(long charged, Status refusal) {}

    private static final ThreadLocal<Outcome> LAST = new ThreadLocal<>();

    private final long capacity;
    private final AtomicLong inUse = new AtomicLong();

    RequestBudget(long capacity) {
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    long inUse() {
        return inUse.get();
    }

    /** The outcome of the message the current thread just parsed; null if none (not a budgeted method). */
    static Outcome takeOutcome() {
        Outcome outcome = LAST.get();
        LAST.remove();
        return outcome;
    }

    void release(long bytes) {
        if (bytes > 0) {
            inUse.addAndGet(-bytes);
        }
    }

    /** Charges {@code bytes} if the budget stays within {@code limit}. */
    private boolean tryCharge(long bytes, long limit) {
        while (true) {
            long used = inUse.get();
            if (used + bytes > limit) {
                return false;
            }
            if (inUse.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /** The service with every request marshaller charging this budget. */
    ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            out.addMethod(guard(method));
        }
        return out.build();
    }

    private <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
                || !(proto.getMessagePrototype() instanceof Message)) {
            return method;
        }
        return ServerMethodDefinition.create(
                descriptor.toBuilder(new ChargingMarshaller<>(proto), descriptor.getResponseMarshaller()).build(),
                method.getServerCallHandler());
    }

    private final class ChargingMarshaller<Q> implements MethodDescriptor.PrototypeMarshaller<Q> {
        private final MethodDescriptor.PrototypeMarshaller<Q> delegate;
        private final Message prototype;

        ChargingMarshaller(MethodDescriptor.PrototypeMarshaller<Q> delegate) {
            this.delegate = delegate;
            this.prototype = (Message) delegate.getMessagePrototype();
        }

        @Override
        public Q getMessagePrototype() {
            return delegate.getMessagePrototype();
        }

        @Override
        public Class<Q> getMessageClass() {
            return delegate.getMessageClass();
        }

        @Override
        public InputStream stream(Q value) {
            return delegate.stream(value);
        }

        /** Never throws: a refused or unreadable message parses as the empty prototype plus a refusal. */
        @Override
        public Q parse(InputStream stream) {
            long charged = 0;
            try {
                int size = stream instanceof KnownLength ? stream.available() : -1;
                if (size >= 0 && size <= SMALL_MESSAGE) {
                    charged = size * WORST_FACTOR + DecodeCost.MESSAGE;
                    if (!tryCharge(charged, capacity)) {
                        return refuse(busy(charged), 0);
                    }
                    Q parsed = delegate.parse(stream);
                    LAST.set(new Outcome(charged, null));
                    return parsed;
                }
                if (size >= 0 && stream.markSupported()) {
                    // grpc-java's message stream can be re-read: estimate straight from its buffers, no copy.
                    stream.mark(Integer.MAX_VALUE);
                    long cost = size + DecodeCost.of(prototype.getDescriptorForType(), stream);
                    stream.reset();
                    Status refusal = charge(size, cost);
                    if (refusal != null) {
                        return refuse(refusal, 0);
                    }
                    charged = cost;
                    Q parsed = delegate.parse(stream);
                    LAST.set(new Outcome(charged, null));
                    return parsed;
                }
                byte[] bytes = stream.readAllBytes();
                long cost = bytes.length + DecodeCost.of(prototype.getDescriptorForType(), bytes);
                Status refusal = charge(bytes.length, cost);
                if (refusal != null) {
                    return refuse(refusal, 0);
                }
                charged = cost;
                CodedInputStream in = CodedInputStream.newInstance(bytes);
                in.enableAliasing(true);
                in.setSizeLimit(Integer.MAX_VALUE);
                @SuppressWarnings("unchecked")
                Q parsed = (Q) prototype.getParserForType().parseFrom(in);
                LAST.set(new Outcome(charged, null));
                return parsed;
            } catch (InvalidProtocolBufferException | StatusRuntimeException e) {
                return refuse(Status.INVALID_ARGUMENT.withDescription("request is not a valid "
                        + prototype.getDescriptorForType().getName() + " message"), charged);
            } catch (IOException e) {
                return refuse(Status.INVALID_ARGUMENT.withDescription("request could not be read"), charged);
            } catch (OutOfMemoryError e) {
                return refuse(Status.RESOURCE_EXHAUSTED.withDescription("server is out of memory decoding the"
                        + " request; retry later or send it in smaller parts"), charged);
            }
        }

        /** Charges {@code cost}; null when charged, else why not. */
        private Status charge(int size, long cost) {
            if (cost > capacity - capacity / 8) {
                return Status.RESOURCE_EXHAUSTED.withDescription("request of " + size + " bytes needs about "
                        + mib(cost) + " MiB of memory to decode, more than the server allows for all requests"
                        + " together (proxy.grpc.maxInflightRecvBytes = " + mib(capacity) + " MiB); send it in"
                        + " smaller parts");
            }
            // Large requests leave an eighth of the budget to small calls, so they cannot lock out a health check.
            return tryCharge(cost, capacity - capacity / 8) ? null : busy(cost);
        }

        private Q refuse(Status status, long chargedSoFar) {
            release(chargedSoFar);
            LAST.set(new Outcome(0, status));
            return delegate.getMessagePrototype();
        }

        private Status busy(long cost) {
            return Status.RESOURCE_EXHAUSTED.withDescription("server is decoding too many large requests at once"
                    + " (this one needs about " + mib(cost) + " MiB, proxy.grpc.maxInflightRecvBytes = "
                    + mib(capacity) + " MiB); retry later");
        }
    }

    private static String mib(long bytes) {
        return String.valueOf((bytes + (1 << 20) - 1) >> 20);
    }
}
