package dev.vectorvault.bench;

import io.grpc.StatusRuntimeException;
import io.milvus.grpc.CreateRoleRequest;
import io.milvus.grpc.GrantorEntity;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.OperatePrivilegeType;
import io.milvus.grpc.OperatePrivilegeV2Request;
import io.milvus.grpc.PrivilegeEntity;
import io.milvus.grpc.RoleEntity;
import io.milvus.grpc.Status;
import io.milvus.grpc.UpdateCredentialRequest;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How long a metadata change takes, one at a time, sent by root: a password reset ({@code UpdateCredential}, the
 * user's password alternating between two values; it includes one Argon2id hash of the new password) and a privilege
 * revoke ({@code OperatePrivilegeV2} Revoke). The revoked grant is given back after each revoke, timed on its own, so
 * every revoke removes a grant that exists. In cluster mode each of these calls returns only once every live node has
 * applied it, so the difference to the embedded server is what that guarantee costs (etcd round trips, watch delivery,
 * the other nodes' reload and acknowledgement).
 */
final class ChangeLatency {
    private static final String USER = "bench_change";
    private static final String[] PASSWORDS = {"Change-password-A1", "Change-password-B2"};
    private static final String ROLE = "bench_changer";
    private static final String COLLECTION = "bench_change_c";
    /** Unmeasured changes before each measurement: a node that just joined, and the JIT, settle first. */
    private static final int WARMUP = 5;

    /** One setup's samples; {@code failed} counts measured calls that threw or answered a non-zero code. */
    record Result(String setup, int changes, LatencySamples reset, LatencySamples revoke, LatencySamples grant,
                  long failed) {
        static Result empty(String setup) {
            return new Result(setup, 0, new LatencySamples(), new LatencySamples(), new LatencySamples(), 0);
        }

        Result done(int measured, long failedCalls) {
            return new Result(setup, measured, reset, revoke, grant, failedCalls);
        }
    }

    private final BenchServer server;
    private int current;

    private ChangeLatency(BenchServer server) {
        this.server = server;
    }

    /** Creates the user, the role and its grant on {@code server} (node 0 of a cluster). */
    static ChangeLatency prepare(BenchServer server) {
        server.createUser(USER, PASSWORDS[0]);
        MilvusServiceGrpc.MilvusServiceBlockingStub root = root(server);
        require(root.createRole(CreateRoleRequest.newBuilder().setEntity(RoleEntity.newBuilder().setName(ROLE))
                .build()), "CreateRole");
        require(root.operatePrivilegeV2(privilege(OperatePrivilegeType.Grant)), "OperatePrivilegeV2 grant");
        return new ChangeLatency(server);
    }

    /**
     * {@code changes} resets, revokes and grants on each of {@code a} and {@code b}, interleaved change by change (the
     * side that goes first alternating), after {@link #WARMUP} unmeasured ones each, so the machine's drift lands on
     * both alike. Returns both sides' results, {@code a}'s first.
     */
    static Result[] interleaved(ChangeLatency a, String aSetup, ChangeLatency b, String bSetup, int changes,
                                Progress progress) {
        Result warmA = Result.empty(aSetup);
        Result warmB = Result.empty(bSetup);
        for (int i = 0; i < WARMUP; i++) {
            a.once(warmA);
            b.once(warmB);
        }
        Result resultA = Result.empty(aSetup);
        Result resultB = Result.empty(bSetup);
        long failedA = 0;
        long failedB = 0;
        for (int i = 0; i < changes; i++) {
            if (i % 2 == 0) {
                failedA += a.once(resultA);
                failedB += b.once(resultB);
            } else {
                failedB += b.once(resultB);
                failedA += a.once(resultA);
            }
        }
        Result[] results = {resultA.done(changes, failedA), resultB.done(changes, failedB)};
        for (Result r : results) {
            progress.note("%-28s reset p50 %.1f ms, revoke p50 %.1f ms, grant p50 %.1f ms, %d failed", r.setup(),
                    r.reset().percentileMicros(50) / 1e3, r.revoke().percentileMicros(50) / 1e3,
                    r.grant().percentileMicros(50) / 1e3, r.failed());
        }
        return results;
    }

    /** One reset, one revoke, one grant; returns how many of them failed. */
    private int once(Result into) {
        MilvusServiceGrpc.MilvusServiceBlockingStub root = root(server);
        int next = 1 - current;
        UpdateCredentialRequest reset = UpdateCredentialRequest.newBuilder().setUsername(USER)
                .setOldPassword(base64(PASSWORDS[current])).setNewPassword(base64(PASSWORDS[next])).build();
        int failed = 0;
        if (timed(() -> root.withDeadlineAfter(60, TimeUnit.SECONDS).updateCredential(reset), into.reset())) {
            current = next;
        } else {
            failed++;
        }
        OperatePrivilegeV2Request revoke = privilege(OperatePrivilegeType.Revoke);
        OperatePrivilegeV2Request grant = privilege(OperatePrivilegeType.Grant);
        failed += timed(() -> root.withDeadlineAfter(60, TimeUnit.SECONDS).operatePrivilegeV2(revoke),
                into.revoke()) ? 0 : 1;
        failed += timed(() -> root.withDeadlineAfter(60, TimeUnit.SECONDS).operatePrivilegeV2(grant),
                into.grant()) ? 0 : 1;
        return failed;
    }

    /** Times one call; a successful one's latency goes to {@code samples}. */
    private static boolean timed(Supplier<Status> call, LatencySamples samples) {
        long start = System.nanoTime();
        try {
            if (call.get().getCode() != 0) {
                return false;
            }
        } catch (StatusRuntimeException e) {
            return false;
        }
        samples.add(System.nanoTime() - start);
        return true;
    }

    private static MilvusServiceGrpc.MilvusServiceBlockingStub root(BenchServer server) {
        return server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
    }

    private static OperatePrivilegeV2Request privilege(OperatePrivilegeType type) {
        return OperatePrivilegeV2Request.newBuilder().setRole(RoleEntity.newBuilder().setName(ROLE))
                .setGrantor(GrantorEntity.newBuilder().setPrivilege(PrivilegeEntity.newBuilder().setName("Search")))
                .setType(type).setDbName("default").setCollectionName(COLLECTION).build();
    }

    private static String base64(String password) {
        return Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8));
    }

    private static void require(Status status, String what) {
        if (status.getCode() != 0) {
            throw new IllegalStateException(what + " failed: " + status.getCode() + " " + status.getReason());
        }
    }

    /**
     * Rows in pairs, as measured: the embedded server, then the cluster measured interleaved with it; the ratio
     * columns divide each row's p50 by the embedded p50 of its own pair.
     */
    static void print(PrintStream out, List<Result[]> pairs) {
        TextTable table = new TextTable(1, "setup", "reset p50", "reset p99", "revoke p50", "revoke p99",
                "grant p50", "grant p99", "reset / embedded", "revoke / embedded", "failed");
        for (Result[] pair : pairs) {
            Result base = pair[0];
            for (Result r : pair) {
                table.row(r.setup(), ms(r.reset(), 50), ms(r.reset(), 99), ms(r.revoke(), 50), ms(r.revoke(), 99),
                        ms(r.grant(), 50), ms(r.grant(), 99), ratio(r.reset(), base.reset()),
                        ratio(r.revoke(), base.revoke()), Long.toString(r.failed()));
            }
        }
        table.print(out, "   ");
        out.printf(Locale.ROOT, "   %d measured changes of each kind per row (after %d unmeasured), each cluster row"
                + " interleaved change by change%n", pairs.get(0)[0].changes(), WARMUP);
        out.println("   with the embedded row above it; the cluster is one cluster grown node by node. p50 / p99 over"
                + " successful calls.");
        out.println("   reset = UpdateCredential (includes one Argon2id hash of the new password); revoke, and the"
                + " grant that undoes it,");
        out.println("   = OperatePrivilegeV2. failed: measured calls that threw or answered a non-zero code.");
    }

    private static String ms(LatencySamples samples, double percentile) {
        return String.format(Locale.ROOT, "%.2f", samples.percentileMicros(percentile) / 1e3);
    }

    private static String ratio(LatencySamples value, LatencySamples base) {
        return String.format(Locale.ROOT, "%.2f", value.percentileMicros(50) / base.percentileMicros(50));
    }
}
