package dev.vectorvault.server;

import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.Password;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerBuilder;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Where each call of the public port runs. Handing a call from gRPC's transport thread to a worker and back costs
 * more than a cheap call itself (measured: about a third to a half of a small search's p50, in context switches), so
 * a cheap call runs on the transport thread that read it; anything that may take long, block or run a slow password
 * hash runs on one bounded pool, so it never stalls the other connections of that transport thread.
 *
 * <p>A call runs inline only when all of these hold: {@code proxy.grpc.inlineCostLimit} is above 0; the node is not
 * in a cluster (a cluster call may wait on another node or on etcd); the method is one of {@link #INLINE_METHODS}
 * (reads of memory: metadata, privileges, search and query); and, with authentication on, the connection already
 * proved these very credentials ({@link Authenticator#provenOn}), so checking them costs one HMAC and no file is
 * written. A search, hybrid search or query that runs inline first estimates its work
 * ({@link dev.vectorvault.query.EntityReader#readCost}) and moves to the pool when it is above the limit
 * ({@link #run}): a large FLAT scan or a search with many queries does not hold the transport thread.
 *
 * <p>On a single server the pool has a fixed number of threads and an unbounded queue (a cluster node's pool starts a
 * thread per call, as gRPC's default executor does, since its calls may wait on other nodes): what queued calls may hold in memory is bounded
 * by the request budget ({@code proxy.grpc.maxInflightRecvBytes}), which admits a call before it reaches here.
 * Deadlines and cancellation are unchanged: the gRPC context travels with the work.
 */
final class CallExecution implements ServerCallExecutorSupplier, AutoCloseable {
    private static final String MILVUS = "milvus.proto.milvus.MilvusService/";
    /** Methods that only read memory. Writes, loads, flushes, index builds and DDL persist or wait: the pool. */
    static final Set<String> INLINE_METHODS = Set.of(
            MILVUS + "GetVersion", MILVUS + "CheckHealth", MILVUS + "Connect",
            MILVUS + "DescribeCollection", MILVUS + "HasCollection", MILVUS + "ShowCollections",
            MILVUS + "HasPartition", MILVUS + "ShowPartitions", MILVUS + "DescribeIndex", MILVUS + "GetIndexState",
            MILVUS + "GetIndexBuildProgress", MILVUS + "GetLoadState", MILVUS + "GetLoadingProgress",
            MILVUS + "ListDatabases", MILVUS + "DescribeDatabase", MILVUS + "ListAliases", MILVUS + "DescribeAlias",
            MILVUS + "GetCollectionStatistics", MILVUS + "GetPartitionStatistics", MILVUS + "ListCredUsers",
            MILVUS + "SelectUser", MILVUS + "SelectRole", MILVUS + "SelectGrant", MILVUS + "ListPrivilegeGroups",
            MILVUS + "Search", MILVUS + "HybridSearch", MILVUS + "Query",
            "grpc.health.v1.Health/Check");
    private static final Executor INLINE = Runnable::run;

    private final ThreadPoolExecutor pool;
    private final long inlineCostLimit;
    private final boolean inlineAllowed;
    private final boolean authenticationEnabled;
    private final Authenticator authenticator;
    private final ThreadLocal<Boolean> onPool = ThreadLocal.withInitial(() -> false);

    /**
     * @param clustered whether this node is part of a cluster (then every call runs on the pool)
     */
    CallExecution(int threads, long inlineCostLimit, boolean clustered, boolean authenticationEnabled,
                  Authenticator authenticator) {
        AtomicInteger ids = new AtomicInteger();
        // A cluster node's calls may wait on other nodes (forwarding, replicas) or on etcd for long: there, as with
        // gRPC's default executor, a thread per waiting call, so waiting calls never queue behind each other.
        this.pool = clustered
                ? new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                        threadFactory(ids))
                : new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                        threadFactory(ids));
        if (!clustered) {
            this.pool.allowCoreThreadTimeOut(true);
        }
        this.inlineCostLimit = inlineCostLimit;
        this.inlineAllowed = inlineCostLimit > 0 && !clustered;
        this.authenticationEnabled = authenticationEnabled;
        this.authenticator = authenticator;
    }

    private java.util.concurrent.ThreadFactory threadFactory(AtomicInteger ids) {
        return work -> {
            Thread thread = new Thread(() -> {
                onPool.set(true);
                work.run();
            }, "grpc-call-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The pool: every call this class does not run inline. */
    Executor pool() {
        return pool;
    }

    /**
     * Makes the port run its calls where this class says. The port's default executor must be the transport thread
     * itself: grpc-java asks {@link #getExecutor} from a step it runs on the default executor, so with the pool as
     * default every call, the inline ones included, first waited for a pool thread (measured: GetVersion p50
     * unchanged by the inline path in its own process). Here that step runs on the transport thread that read the
     * call, and a call for the pool makes one hand-off.
     */
    void install(ServerBuilder<?> builder) {
        builder.executor(INLINE).callExecutor(this);
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        if (!inlineAllowed || !INLINE_METHODS.contains(call.getMethodDescriptor().getFullMethodName())) {
            return pool;
        }
        return !authenticationEnabled || proven(call, headers) ? INLINE : pool;
    }

    private boolean proven(ServerCall<?, ?> call, Metadata headers) {
        Long connection = call.getAttributes().get(ConnectionTracker.CONNECTION_ID);
        Iterable<String> values = headers.getAll(AuthInterceptor.AUTHORIZATION);
        if (connection == null || values == null) {
            return false;
        }
        Optional<AuthInterceptor.Credentials> credentials = AuthInterceptor.decode(values.iterator().next());
        if (credentials.isEmpty() || credentials.get().username() == null) {
            return false;
        }
        byte[] secret = credentials.get().password();
        try {
            Optional<Password> password = Password.fromUtf8(secret);
            String username = credentials.get().username();
            if (password.isPresent() && authenticator.provenOn(connection, username, password.get())) {
                // The call starts on this thread next: authentication takes this proof instead of hashing again.
                AuthInterceptor.provenHere(headers, username);
                return true;
            }
            return false;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Runs {@code respond} (which answers the call) here when this thread is the pool's or the estimated work is
     * within the limit, otherwise on the pool, with the call's context (its deadline and caller). An estimate that
     * fails counts as cheap: the handler then reports the problem at once.
     */
    void run(LongSupplier cost, Runnable respond) {
        if (onPool.get() || estimate(cost) <= inlineCostLimit) {
            respond.run();
            return;
        }
        pool.execute(Context.current().wrap(respond));
    }

    private static long estimate(LongSupplier cost) {
        try {
            return cost.getAsLong();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
