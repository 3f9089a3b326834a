package dev.vectorvault.bench;

import com.google.protobuf.ByteString;
import dev.vectorvault.auth.rbac.AccessDecider;
import dev.vectorvault.auth.rbac.PrivilegeCatalog;
import dev.vectorvault.auth.rbac.PrivilegeOperation;
import dev.vectorvault.auth.rbac.Privilege;
import dev.vectorvault.auth.rbac.RbacService;
import dev.vectorvault.auth.rbac.RbacSettings;
import dev.vectorvault.auth.rbac.RbacStore;
import dev.vectorvault.auth.rbac.Requirement;
import dev.vectorvault.auth.rbac.UserDirectory;
import dev.vectorvault.storage.MvMetaStore;
import io.grpc.stub.StreamObserver;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GetLoadStateResponse;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.OperateUserRoleRequest;
import io.milvus.grpc.OperateUserRoleType;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the RBAC check costs a call, measured side by side on one server with authentication on: root (who bypasses
 * RBAC, as in Milvus) against a user whose role grants the privilege, both with a warm credential, both calling
 * {@code GetLoadState} on the same collection. That RPC does next to nothing, so the check shows undiluted; it needs
 * a Collection privilege on a named collection, so the user's call pays for the alias lookup and the decision over a
 * policy of {@code --grants} grants. At 1 in flight calls alternate one by one between the two users; at
 * {@code --inflight} each round gives each side one window, the first side alternating (ABBA). Also the decision alone,
 * in-process. Prints a table; asserts nothing.
 */
@Command(name = "bench-rbac", mixinStandardHelpOptions = true,
        description = "Authorized user vs root: throughput of a privileged call with RBAC enforced.")
public final class RbacBenchmark implements Callable<Integer> {
    static final String USER = "bench_user";
    static final String PASSWORD = "Bench-user-password-1";
    private static final String COLLECTION = "bench_c";

    @Option(names = "--seconds", description = "window per side per round (default ${DEFAULT-VALUE})")
    double seconds = 1.0;
    @Option(names = "--rounds", description = "measured rounds (default ${DEFAULT-VALUE})")
    int rounds = 10;
    @Option(names = "--warmup", description = "warm-up seconds (default ${DEFAULT-VALUE})")
    double warmup = 10;
    @Option(names = "--inflight", description = "calls in flight for the concurrent load (default ${DEFAULT-VALUE})")
    int inflight = 16;
    @Option(names = "--grants", description = "unrelated grants the user's role also holds (default ${DEFAULT-VALUE})")
    int grants = 50;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RbacBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String serverLog = ServerLogging.redirectToFile();
        Progress progress = new Progress(System.err);
        double load = BenchReport.systemLoad();
        try (BenchServer server = BenchServer.start("auth ON", "authorizationEnabled=true",
                Map.of("common.security.authorizationEnabled", "true"))) {
            setUp(server, grants);
            MilvusServiceGrpc.MilvusServiceBlockingStub root = server.blocking(BenchServer.ROOT,
                    BenchServer.ROOT_PASSWORD);
            MilvusServiceGrpc.MilvusServiceBlockingStub user = server.blocking(USER, PASSWORD);
            requireSuccess(root.getLoadState(request()), "root");
            requireSuccess(user.getLoadState(request()), USER);

            long slice = (long) (seconds * 1e9);
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < warmEnd) {
                alternate(root, user, slice / 4, null, null);
                window(server.async(USER, PASSWORD), inflight, slice / 4);
                window(server.async(BenchServer.ROOT, BenchServer.ROOT_PASSWORD), inflight, slice / 4);
            }
            double[][] single = new double[rounds][2];
            double[][] many = new double[rounds][2];
            long[] errors = new long[1];
            LatencySamples rootLatency = new LatencySamples();
            LatencySamples userLatency = new LatencySamples();
            for (int r = 0; r < rounds; r++) {
                boolean rootFirst = r % 2 == 0;
                double[] one = rates(rootFirst ? alternate(root, user, slice, rootLatency, userLatency)
                        : swap(alternate(user, root, slice, userLatency, rootLatency)));
                single[r] = one;
                Window a = window(rootFirst ? server.async(BenchServer.ROOT, BenchServer.ROOT_PASSWORD)
                        : server.async(USER, PASSWORD), inflight, slice);
                Window b = window(rootFirst ? server.async(USER, PASSWORD)
                        : server.async(BenchServer.ROOT, BenchServer.ROOT_PASSWORD), inflight, slice);
                Window rootWindow = rootFirst ? a : b;
                Window userWindow = rootFirst ? b : a;
                errors[0] += rootWindow.errors() + userWindow.errors();
                many[r] = new double[] {rootWindow.callsPerSecond(), userWindow.callsPerSecond()};
                progress.note("round %2d/%d  1 in flight: root %,7.0f user %,7.0f   %d in flight: root %,7.0f"
                        + " user %,7.0f calls/s", r + 1, rounds, one[0], one[1], inflight, many[r][0], many[r][1]);
            }
            double decideMicros = inProcessDecision();
            print(load, serverLog, single, many, rootLatency, userLatency, errors[0], decideMicros);
        }
        return 0;
    }

    /**
     * The user gets a read-only role on the benchmark collection among {@code grants} grants on other ones
     * ({@link ClusterBenchmark} sets up its embedded and cluster servers the same way).
     */
    static void setUp(BenchServer server, int grants) {
        MilvusServiceGrpc.MilvusServiceBlockingStub root = server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        server.createUser(USER, PASSWORD);
        CollectionSchema schema = CollectionSchema.newBuilder().setName(COLLECTION)
                .addFields(FieldSchema.newBuilder().setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setName("v").setDataType(DataType.FloatVector)
                        .addTypeParams(KeyValuePair.newBuilder().setKey("dim").setValue("8")))
                .build();
        check(root.createCollection(CreateCollectionRequest.newBuilder().setCollectionName(COLLECTION)
                .setSchema(ByteString.copyFrom(schema.toByteArray())).build()), "CreateCollection");
        check(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName("reader"))
                .build()), "CreateRole");
        check(root.operateUserRole(OperateUserRoleRequest.newBuilder().setUsername(USER).setRoleName("reader")
                .setType(OperateUserRoleType.AddUserToRole).build()), "OperateUserRole");
        for (int i = 0; i < grants; i++) {
            check(root.operatePrivilegeV2(grant("Search", "other_" + i)), "OperatePrivilegeV2");
        }
        check(root.operatePrivilegeV2(grant("CollectionReadOnly", COLLECTION)), "OperatePrivilegeV2");
    }

    private static OperatePrivilegeV2Request grant(String privilege, String collection) {
        return OperatePrivilegeV2Request.newBuilder().setRole(RoleEntity.newBuilder().setName("reader"))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder().setName(privilege)))
                .setType(OperatePrivilegeType.Grant).setDbName("default").setCollectionName(collection).build();
    }

    private static void check(Status status, String what) {
        if (status.getCode() != 0) {
            throw new IllegalStateException(what + " failed: " + status.getCode() + " " + status.getReason());
        }
    }

    private static void requireSuccess(GetLoadStateResponse response, String who) {
        check(response.getStatus(), "GetLoadState as " + who);
    }

    static GetLoadStateRequest request() {
        return GetLoadStateRequest.newBuilder().setCollectionName(COLLECTION).build();
    }

    /**
     * Calls alternate one by one for {@code 2 * sliceNanos}; returns each side's window (its calls and the sum of their
     * latencies, so its rate is 1 / mean latency).
     */
    static Window[] alternate(MilvusServiceGrpc.MilvusServiceBlockingStub first,
                                      MilvusServiceGrpc.MilvusServiceBlockingStub second, long sliceNanos,
                                      LatencySamples firstLatency, LatencySamples secondLatency) {
        GetLoadStateRequest request = request();
        long[] nanos = new long[2];
        long[] calls = new long[2];
        long end = System.nanoTime() + 2 * sliceNanos;
        while (System.nanoTime() < end) {
            nanos[0] += timed(first, request, firstLatency);
            nanos[1] += timed(second, request, secondLatency);
            calls[0]++;
            calls[1]++;
        }
        return new Window[] {new Window(calls[0], 0, nanos[0], -1), new Window(calls[1], 0, nanos[1], -1)};
    }

    private static long timed(MilvusServiceGrpc.MilvusServiceBlockingStub stub, GetLoadStateRequest request,
                              LatencySamples latencies) {
        long before = System.nanoTime();
        GetLoadStateResponse response = stub.getLoadState(request);
        long took = System.nanoTime() - before;
        if (response.getStatus().getCode() != 0) {
            throw new IllegalStateException("GetLoadState failed: " + response.getStatus().getReason());
        }
        if (latencies != null) {
            latencies.add(took);
        }
        return took;
    }

    static Window[] swap(Window[] pair) {
        return new Window[] {pair[1], pair[0]};
    }

    private static double[] rates(Window[] pair) {
        return new double[] {pair[0].callsPerSecond(), pair[1].callsPerSecond()};
    }

    /** Keeps {@code inflight} calls outstanding for the window; every call must succeed. */
    static Window window(MilvusServiceGrpc.MilvusServiceStub stub, int inflight, long windowNanos)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        StreamObserver<GetLoadStateResponse> observer = new CountingObserver(slots, completed, failed);
        GetLoadStateRequest request = request();
        long start = System.nanoTime();
        long end = start + windowNanos;
        while (System.nanoTime() < end) {
            slots.acquire();
            stub.getLoadState(request, observer);
        }
        if (!slots.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server has not answered for 60 s");
        }
        slots.release(inflight);
        return new Window(completed.get(), failed.get(), System.nanoTime() - start, -1);
    }

    /** Counts completions and failures (a PERMISSION_DENIED would be one) and frees a slot for each. */
    private static final class CountingObserver implements StreamObserver<GetLoadStateResponse> {
        private final Semaphore slots;
        private final AtomicLong completed;
        private final AtomicLong failed;

        CountingObserver(Semaphore slots, AtomicLong completed, AtomicLong failed) {
            this.slots = slots;
            this.completed = completed;
            this.failed = failed;
        }

        @Override
        public void onNext(GetLoadStateResponse response) {
            if (response.getStatus().getCode() != 0) {
                failed.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable t) {
            failed.incrementAndGet();
            completed.incrementAndGet();
            slots.release();
        }

        @Override
        public void onCompleted() {
            completed.incrementAndGet();
            slots.release();
        }
    }

    /** The decision alone: the same policy in an in-memory store, median of 20 runs of 100k decisions. */
    private double inProcessDecision() {
        RbacStore store = new RbacStore(MvMetaStore.inMemory());
        RbacSettings settings = RbacSettings.defaults(true);
        PrivilegeCatalog catalog = PrivilegeCatalog.defaults();
        RbacService rbac = RbacService.start(store, catalog, settings, new EveryoneExists());
        rbac.createRole("reader");
        rbac.operateUserRole(RbacService.ROOT, USER, "reader", dev.vectorvault.auth.rbac.MembershipOperation.ADD);
        for (int i = 0; i < grants; i++) {
            rbac.operatePrivilegeV2("root", "reader", "Search", "default", "other_" + i, PrivilegeOperation.GRANT);
        }
        rbac.operatePrivilegeV2("root", "reader", "CollectionReadOnly", "default", COLLECTION,
                PrivilegeOperation.GRANT);
        AccessDecider decider = new AccessDecider(store, catalog, settings);
        Requirement requirement = Requirement.collection(Privilege.GET_LOAD_STATE, COLLECTION);
        double[] runs = new double[20];
        int allowed = 0;
        for (int run = 0; run < runs.length; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < 100_000; i++) {
                allowed += decider.decide(USER, "default", requirement).allowed() ? 1 : 0;
            }
            runs[run] = (System.nanoTime() - start) / 1e3 / 100_000;
        }
        if (allowed != runs.length * 100_000) {
            throw new IllegalStateException("the in-process decision denied the user");
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    /** For the in-process decision: every user exists, nobody has a password. */
    private static final class EveryoneExists implements UserDirectory {
        @Override
        public boolean exists(String username) {
            return true;
        }

        @Override
        public List<String> usernames() {
            return List.of(USER);
        }

        @Override
        public Optional<String> passwordHash(String username) {
            return Optional.empty();
        }

        @Override
        public void restore(String username, String passwordHash) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkUsername(String username) {}
    }

    private void print(double load, String serverLog, double[][] single, double[][] many, LatencySamples rootLatency,
                       LatencySamples userLatency, long errors, double decideMicros) {
        System.out.println("# RBAC: authorized user vs root, GetLoadState on one collection");
        System.out.printf(Locale.ROOT, "cores %d, load average at start %.2f, %d rounds x %.1f s per side,"
                        + " user's role holds %d grants, server log %s%n%n",
                Runtime.getRuntime().availableProcessors(), load, rounds, seconds, grants + 1, serverLog);
        System.out.println("| load | root calls/s | user calls/s | user/root (totals) | per-round median [min, max] |");
        System.out.println("|---|---:|---:|---:|---|");
        row("1 in flight", single);
        row(inflight + " in flight", many);
        System.out.printf(Locale.ROOT, "%nlatency at 1 in flight: root p50 %.1f us, user p50 %.1f us (added %+.1f us);"
                        + " p99 %.1f vs %.1f us%n", rootLatency.percentileMicros(50), userLatency.percentileMicros(50),
                userLatency.percentileMicros(50) - rootLatency.percentileMicros(50),
                rootLatency.percentileMicros(99), userLatency.percentileMicros(99));
        System.out.printf(Locale.ROOT, "decision alone, in-process: %.3f us per call%n", decideMicros);
        System.out.printf(Locale.ROOT, "failed or denied calls during measurement: %d%n", errors);
    }

    private static void row(String label, double[][] rates) {
        double rootSum = 0;
        double userSum = 0;
        List<Double> ratios = new ArrayList<>();
        for (double[] r : rates) {
            rootSum += r[0];
            userSum += r[1];
            ratios.add(r[1] / r[0]);
        }
        ratios.sort(null);
        double median = ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.3f | %.3f [%.3f, %.3f] |%n", label,
                rootSum / rates.length, userSum / rates.length, userSum / rootSum, median, ratios.get(0),
                ratios.get(ratios.size() - 1));
    }
}
