package dev.vectorvault.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.milvus.grpc.ConnectRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.Status;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Fuzz target: every unary RPC of the Milvus service, fed a mutated request through the real interceptors (call
 * guard, authentication, privilege check, request budget) of a whole server with authentication on, as root, as a
 * non-root user with a few privileges, or without credentials. Each call must be answered within
 * {@value #DEADLINE_SECONDS} s, either with a response whose Status is a success or a Milvus error other than the
 * "internal error (incident ...)" of an unexpected exception, or with a gRPC status a client can act on
 * ({@link #EXPECTED_REFUSALS}); never UNKNOWN or INTERNAL. Every {@value #HEALTH_EVERY} inputs root must still be
 * served; state the fuzzer created is dropped (and the seed restored) every {@value #RESET_EVERY} inputs, and after
 * a call that may have destroyed part of the seed succeeded.
 */
class MilvusServiceFuzzTest {
    private static final int DEADLINE_SECONDS = 5;
    private static final int HEALTH_EVERY = 50;
    private static final int RESET_EVERY = 200;
    private static final Set<io.grpc.Status.Code> EXPECTED_REFUSALS = EnumSet.of(
            io.grpc.Status.Code.UNAUTHENTICATED, io.grpc.Status.Code.PERMISSION_DENIED,
            io.grpc.Status.Code.RESOURCE_EXHAUSTED, io.grpc.Status.Code.INVALID_ARGUMENT,
            io.grpc.Status.Code.UNIMPLEMENTED);
    /** Calls that, when they succeed, may have changed the seed (collection, user, role, grants). */
    private static final List<String> DESTRUCTIVE = List.of("Drop", "Delete", "Rename", "Update", "Operate",
            "Release", "Alter", "Restore", "Truncate", "Remove");
    private static final int OUT_OF_MEMORY = dev.vectorvault.common.ErrorCode.MEMORY_LIMIT_EXCEEDED.code();

    private static final List<MethodDescriptor<?, ?>> ALL = unaryMethods();
    /** The methods the server implements; the rest answer UNIMPLEMENTED and get a small share of the inputs. */
    private static final List<MethodDescriptor<?, ?>> IMPLEMENTED = implemented(ALL);

    private static RpcFuzzServer server;
    private static long inputs;
    private static boolean dirty;

    @FuzzTest(maxDuration = "60s")
    void everyCallIsAnsweredWithAStatusOrAnExpectedRefusal(FuzzedDataProvider data) {
        RpcFuzzServer fuzz = server();
        if (dirty || ++inputs % RESET_EVERY == 0) {
            fuzz.reset();
            dirty = false;
        }
        MethodDescriptor<?, ?> method = data.consumeInt(0, 7) == 0
                ? data.pickValue(ALL) : data.pickValue(IMPLEMENTED);
        int caller = data.consumeInt(0, 3);
        String database = switch (data.consumeInt(0, 3)) {
            case 0 -> "default";
            case 1 -> FuzzedRequests.string(data);
            default -> null;
        };
        Channel channel = switch (caller) {
            case 0, 1 -> fuzz.channelAs("root", "Milvus", database);
            case 2 -> fuzz.channelAs(RpcFuzzServer.USER, RpcFuzzServer.PASSWORD, database);
            default -> fuzz.channelAs(null, null, null);
        };
        Message request = FuzzedRequests.build(RpcSeeds.forMethod(method), data);
        boolean succeeded = call(channel, method, request, DEADLINE_SECONDS);
        if (succeeded && caller < 3 && DESTRUCTIVE.stream().anyMatch(method.getBareMethodName()::startsWith)) {
            dirty = true;
        }
        if (inputs % HEALTH_EVERY == 0) {
            Status status = fuzz.root().showCollections(ShowCollectionsRequest.getDefaultInstance()).getStatus();
            if (status.getCode() != 0) {
                throw new AssertionError("root is no longer served after " + describe(method, request) + ": "
                        + status.getReason());
            }
            fuzz.root().connect(ConnectRequest.getDefaultInstance());
        }
    }

    /** Sends {@code request}; true when the response's Status is a success. Throws on any unexpected outcome. */
    @SuppressWarnings("unchecked")
    private static boolean call(Channel channel, MethodDescriptor<?, ?> method, Message request, int seconds) {
        Message response;
        try {
            response = (Message) ClientCalls.blockingUnaryCall(channel,
                    (MethodDescriptor<Message, Object>) method,
                    CallOptions.DEFAULT.withDeadlineAfter(seconds, TimeUnit.SECONDS), request);
        } catch (StatusRuntimeException e) {
            io.grpc.Status status = e.getStatus();
            if (!EXPECTED_REFUSALS.contains(status.getCode())) {
                throw new AssertionError("gRPC " + status.getCode() + " (" + status.getDescription() + ") for "
                        + describe(method, request), e);
            }
            if (status.getDescription() != null && isIncident(status.getDescription())) {
                throw new AssertionError("unexpected error answered as " + status + " for "
                        + describe(method, request), e);
            }
            return false;
        }
        Status status = statusOf(response);
        if (status == null) {
            return true;
        }
        // Milvus answers many ordinary refusals with its generic code 65535, so the code alone says nothing; the
        // "(incident ...)" reason is what an exception no handler anticipated becomes.
        if (status.getCode() == OUT_OF_MEMORY || isIncident(status.getReason())) {
            throw new AssertionError("unexpected error \"" + status.getReason() + "\" for "
                    + describe(method, request));
        }
        return status.getCode() == 0;
    }

    /**
     * Whether a reason is the server's answer to an exception nothing anticipated: "internal error in M (incident
     * xxxxxxxx)" (or the out-of-memory form). Matched whole, because a refusal may echo a fuzzed name that itself
     * contains "(incident " (seen: AlterAlias on a database named "...t(incident ]]]...").
     */
    private static boolean isIncident(String reason) {
        return INCIDENT.matcher(reason).matches();
    }

    private static final java.util.regex.Pattern INCIDENT = java.util.regex.Pattern.compile(
            "(internal error in |memory limit exceeded: ).*\\(incident [0-9a-f]{8}\\).*",
            java.util.regex.Pattern.DOTALL);

    /** The Status a Milvus response carries: the response itself or its {@code status} field; null if none. */
    private static Status statusOf(Message response) {
        if (response instanceof Status status) {
            return status;
        }
        FieldDescriptor field = response.getDescriptorForType().findFieldByName("status");
        if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && response.getField(field) instanceof Status status) {
            return status;
        }
        return null;
    }

    private static String describe(MethodDescriptor<?, ?> method, Message request) {
        String text = TextFormat.shortDebugString(request);
        return method.getBareMethodName() + " {" + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text)
                + "}";
    }

    private static synchronized RpcFuzzServer server() {
        if (server == null) {
            server = RpcFuzzServer.start();
            warmUp(server);
        }
        return server;
    }

    /**
     * Sends each method's seed once per caller with a generous deadline, so that class loading (and, when fuzzing,
     * Jazzer's instrumentation of each class on first use) does not count against the first inputs' deadline.
     */
    private static void warmUp(RpcFuzzServer fuzz) {
        for (Channel channel : List.of(fuzz.channelAs("root", "Milvus", null),
                fuzz.channelAs(RpcFuzzServer.USER, RpcFuzzServer.PASSWORD, null), fuzz.channelAs(null, null, null))) {
            for (MethodDescriptor<?, ?> method : IMPLEMENTED) {
                call(channel, method, RpcSeeds.forMethod(method), 120);
            }
            fuzz.reset();
        }
    }

    private static List<MethodDescriptor<?, ?>> unaryMethods() {
        return MilvusServiceGrpc.getServiceDescriptor().getMethods().stream()
                .filter(m -> m.getType() == MethodDescriptor.MethodType.UNARY)
                .sorted((a, b) -> a.getFullMethodName().compareTo(b.getFullMethodName()))
                .collect(Collectors.toUnmodifiableList());
    }

    private static List<MethodDescriptor<?, ?>> implemented(List<MethodDescriptor<?, ?>> methods) {
        Set<String> overridden = Arrays.stream(MilvusServiceAdapter.class.getDeclaredMethods())
                .map(Method::getName).collect(Collectors.toSet());
        return methods.stream().filter(m -> overridden.contains(lowerCamel(m.getBareMethodName())))
                .collect(Collectors.toUnmodifiableList());
    }

    private static String lowerCamel(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
