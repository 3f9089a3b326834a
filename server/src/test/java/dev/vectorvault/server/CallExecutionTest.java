package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.LoginThrottle;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.VerifiedCredentialCache;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.MilvusServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cheap calls run on the thread that read them; costly, blocking or unproven ones on the bounded pool. */
@Timeout(30)
class CallExecutionTest {
    private static final long LIMIT = 1_000;
    private final MvMetaStore store = MvMetaStore.inMemory();
    private final CredentialStore credentials = new CredentialStore(store);
    private final PasswordHasher hasher = new PasswordHasher(new ServerConfig.HashSettings(64, 1, 1));
    private final Authenticator authenticator = new Authenticator(credentials, hasher, new VerifiedCredentialCache(),
            new LoginThrottle(ServerConfig.defaults().throttle(), System::currentTimeMillis), new AuditLog(), 2);
    private CallExecution calls;

    @AfterEach
    void close() {
        if (calls != null) {
            calls.close();
        }
        store.close();
    }

    /** The name of the thread {@code executor} runs a task on. */
    private static String runsOn(Executor executor) throws Exception {
        CompletableFuture<String> thread = new CompletableFuture<>();
        executor.execute(() -> thread.complete(Thread.currentThread().getName()));
        return thread.get(10, TimeUnit.SECONDS);
    }

    private static Metadata basicAuth(String user, String password) {
        Metadata headers = new Metadata();
        headers.put(AuthInterceptor.AUTHORIZATION, Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    @Test
    void cheapReadsRunInlineAndWritesOnThePoolWithAuthenticationOff() throws Exception {
        calls = new CallExecution(2, LIMIT, false, false, authenticator);
        String here = Thread.currentThread().getName();
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getGetVersionMethod(), 1L), new Metadata())))
                .isEqualTo(here);
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getSearchMethod(), 1L), new Metadata())))
                .isEqualTo(here);
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getInsertMethod(), 1L), new Metadata())))
                .startsWith("grpc-call-");
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getCreateCollectionMethod(), 1L),
                new Metadata()))).startsWith("grpc-call-");
    }

    /**
     * Through a real port: grpc-java asks where a call runs on the port's default executor, so a pool there would
     * carry even the inline calls to a pool thread. A cheap read must run on the transport thread that read it.
     */
    @Test
    void onAPortACheapReadRunsOnTheTransportThreadAndAWriteOnThePool() throws Exception {
        calls = new CallExecution(2, LIMIT, false, false, authenticator);
        CompletableFuture<String> versionThread = new CompletableFuture<>();
        CompletableFuture<String> createThread = new CompletableFuture<>();
        MilvusServiceGrpc.MilvusServiceImplBase service = new MilvusServiceGrpc.MilvusServiceImplBase() {
            @Override
            public void getVersion(io.milvus.grpc.GetVersionRequest request,
                                   StreamObserver<io.milvus.grpc.GetVersionResponse> out) {
                versionThread.complete(Thread.currentThread().getName());
                out.onNext(io.milvus.grpc.GetVersionResponse.getDefaultInstance());
                out.onCompleted();
            }

            @Override
            public void createCollection(io.milvus.grpc.CreateCollectionRequest request,
                                         StreamObserver<io.milvus.grpc.Status> out) {
                createThread.complete(Thread.currentThread().getName());
                out.onNext(io.milvus.grpc.Status.getDefaultInstance());
                out.onCompleted();
            }
        };
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service);
        calls.install(builder);
        Server server = builder.build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            MilvusServiceGrpc.MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel);
            java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor) calls.pool();
            stub.getVersion(io.milvus.grpc.GetVersionRequest.getDefaultInstance());
            // Not a single step of the call went through the pool (grpc-java's method lookup included).
            assertThat(pool.getTaskCount()).isZero();
            stub.createCollection(io.milvus.grpc.CreateCollectionRequest.getDefaultInstance());
            assertThat(versionThread.get(10, TimeUnit.SECONDS)).doesNotStartWith("grpc-call-")
                    .isNotEqualTo(Thread.currentThread().getName());
            assertThat(createThread.get(10, TimeUnit.SECONDS)).startsWith("grpc-call-");
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClusterNodeOrALimitOfZeroRunsEveryCallOnThePool() throws Exception {
        calls = new CallExecution(2, LIMIT, true, false, authenticator);
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getGetVersionMethod(), 1L), new Metadata())))
                .startsWith("grpc-call-");
        calls.close();
        calls = new CallExecution(2, 0, false, false, authenticator);
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getGetVersionMethod(), 1L), new Metadata())))
                .startsWith("grpc-call-");
    }

    @Test
    void withAuthenticationOnlyAConnectionThatProvedTheCredentialsRunsInline() throws Exception {
        calls = new CallExecution(2, LIMIT, false, true, authenticator);
        credentials.add("app", hasher.hash(Password.of("app-password")), "", 100);
        String here = Thread.currentThread().getName();
        ServerCall<?, ?> search = call(MilvusServiceGrpc.getSearchMethod(), 7L);
        // Not proved yet: the slow hash must not run on a transport thread.
        assertThat(runsOn(calls.getExecutor(search, basicAuth("app", "app-password")))).startsWith("grpc-call-");
        assertThat(authenticator.authenticate("app", Password.of("app-password"), "127.0.0.1", 7L))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);
        assertThat(runsOn(calls.getExecutor(search, basicAuth("app", "app-password")))).isEqualTo(here);
        // Other credentials, no header, another connection: the pool.
        assertThat(runsOn(calls.getExecutor(search, basicAuth("app", "wrong")))).startsWith("grpc-call-");
        assertThat(runsOn(calls.getExecutor(search, new Metadata()))).startsWith("grpc-call-");
        assertThat(runsOn(calls.getExecutor(call(MilvusServiceGrpc.getSearchMethod(), 8L),
                basicAuth("app", "app-password")))).startsWith("grpc-call-");
    }

    /**
     * The proof that put a call inline spares authentication a second hash, for those very headers only: another
     * call's headers, even with the same text, and a call without a header are checked as always.
     */
    @Test
    void authenticationReusesTheInlineProofOfTheSameHeadersOnly() throws Exception {
        calls = new CallExecution(2, LIMIT, false, true, authenticator);
        credentials.add("app", hasher.hash(Password.of("app-password")), "", 100);
        assertThat(authenticator.authenticate("app", Password.of("app-password"), "127.0.0.1", 7L))
                .isEqualTo(Authenticator.Outcome.ACCEPTED);
        AuthInterceptor auth = new AuthInterceptor(true, false, authenticator);
        ServerCall<?, ?> search = call(MilvusServiceGrpc.getSearchMethod(), 7L);

        Metadata proven = basicAuth("app", "app-password");
        assertThat(runsOn(calls.getExecutor(search, proven))).isEqualTo(Thread.currentThread().getName());
        assertThat(callerOf(auth, search, proven)).isEqualTo("app");

        calls.getExecutor(search, basicAuth("app", "app-password"));
        assertThat(callerOf(auth, search, new Metadata())).isNull();
        // The proof was dropped with that call: a later header-less call is refused too.
        assertThat(callerOf(auth, search, new Metadata())).isNull();
    }

    /** The user the call reached the next handler as, or null when authentication closed it. */
    @SuppressWarnings("unchecked")
    private static String callerOf(AuthInterceptor auth, ServerCall<?, ?> call, Metadata headers) {
        java.util.concurrent.atomic.AtomicReference<String> user = new java.util.concurrent.atomic.AtomicReference<>();
        auth.interceptCall((ServerCall<Object, Object>) call, headers, (c, h) -> {
            user.set(CallContext.CALLER.get().username());
            return new ServerCall.Listener<>() {};
        });
        return user.get();
    }

    @Test
    void workEstimatedAboveTheLimitMovesToThePoolWithTheCallsContext() throws Exception {
        calls = new CallExecution(2, LIMIT, false, false, authenticator);
        Context.Key<String> caller = Context.key("caller");
        Context context = Context.current().withValue(caller, "alice");
        String here = Thread.currentThread().getName();

        assertThat(ranOn(context, caller, () -> LIMIT)).isEqualTo(here + "/alice");
        assertThat(ranOn(context, caller, () -> LIMIT + 1)).matches("grpc-call-\\d+/alice");
        // A failed estimate counts as cheap: the handler reports the problem at once.
        assertThat(ranOn(context, caller, () -> {
            throw new IllegalStateException("no such collection");
        })).isEqualTo(here + "/alice");
    }

    @Test
    void workAlreadyOnThePoolStaysThere() throws Exception {
        calls = new CallExecution(1, LIMIT, false, false, authenticator);
        CompletableFuture<String> thread = new CompletableFuture<>();
        calls.pool().execute(() -> calls.run(() -> Long.MAX_VALUE,
                () -> thread.complete(Thread.currentThread().getName())));
        // With one pool thread, handing it over again would wait behind itself; it runs where it is.
        assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("grpc-call-1");
    }

    private String ranOn(Context context, Context.Key<String> key, java.util.function.LongSupplier cost)
            throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        context.run(() -> calls.run(cost, () -> seen.complete(Thread.currentThread().getName() + "/" + key.get())));
        return seen.get(10, TimeUnit.SECONDS);
    }

    private static <Q, R> ServerCall<Q, R> call(MethodDescriptor<Q, R> method, long connection) {
        Attributes attributes = Attributes.newBuilder().set(ConnectionTracker.CONNECTION_ID, connection).build();
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) {}

            @Override
            public void sendHeaders(Metadata headers) {}

            @Override
            public void sendMessage(R message) {}

            @Override
            public void close(Status status, Metadata trailers) {}

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public Attributes getAttributes() {
                return attributes;
            }

            @Override
            public MethodDescriptor<Q, R> getMethodDescriptor() {
                return method;
            }
        };
    }
}
