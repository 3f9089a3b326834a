package dev.vectorvault.bench;

import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.PasswordHasher;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a login costs when the verified-credential cache cannot help: the first call of a user (one Argon2id verify,
 * then the cache is filled), and a failed call (one Argon2id verify, for a wrong password and for an unknown user
 * alike); and, for scale, the warm calls that follow a cold one. Every sample is a {@code GetVersion} on an already
 * open connection, so it holds no handshake.
 *
 * <p>The samples of all rows are taken interleaved, user by user, so drift hits every row alike. Failed logins go to
 * a separate server whose login throttle is off: with the throttle on, the 21st failure from 127.0.0.1 would block
 * the address, and later attempts would be refused without any hash (fast, and not what a failed login costs) or,
 * later, delayed. The cold logins go to the production-like server (throttle on, as by default); for a successful
 * login the throttle costs two map look-ups.
 */
final class LoginCosts {
    private static final GetVersionRequest REQUEST = GetVersionRequest.getDefaultInstance();
    /** A guard against a hung server only. */
    private static final long DEADLINE_SECONDS = 60;
    /** Warm calls per user after the cold one; their median is that user's warm sample. */
    static final int WARM_CALLS = 5;

    /** One row of the login table. {@code unexpected} counts samples whose outcome was not the expected one. */
    record Row(String call, String server, double[] millis, int unexpected) {
        double median() {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double min() {
            return Arrays.stream(millis).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(millis).max().orElse(Double.NaN);
        }
    }

    /** What a sample expects of its call. */
    private enum Expect { ACCEPTED, UNAUTHENTICATED }

    private LoginCosts() {}

    /**
     * Creates {@code users} users on both servers (as root), then logs each one in once, cold and warm, on
     * {@code production}, fails once with a wrong password and once as an unknown user on {@code unthrottled}, and
     * runs one bare in-process Argon2id verification as the reference for how much of a login is the hash itself.
     */
    static List<Row> measure(BenchServer production, BenchServer unthrottled, int users, Progress progress) {
        String[] names = new String[users];
        String[] passwords = new String[users];
        long createStart = System.nanoTime();
        for (int i = 0; i < users; i++) {
            names[i] = "login_" + i;
            passwords[i] = "Bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            // Creation hashes the password (one Argon2id each): it also warms up the hash code before any sample.
            production.createUser(names[i], passwords[i]);
            unthrottled.createUser(names[i], passwords[i]);
        }
        progress.note("created %d users on 2 servers in %.1f s", users, (System.nanoTime() - createStart) / 1e9);

        // The same hash settings as the servers, run directly: no gRPC, no interceptor, no cache.
        PasswordHasher hasher = new PasswordHasher(production.config().hash());
        Password reference = Password.of("Reference-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        String referenceHash = hasher.hash(reference);

        double[] cold = new double[users];
        double[] warm = new double[users];
        double[] wrong = new double[users];
        double[] unknown = new double[users];
        double[] bare = new double[users];
        int[] unexpected = new int[5];
        for (int i = 0; i < users; i++) {
            unexpected[0] += timeCall(production.blocking(names[i], passwords[i]), Expect.ACCEPTED, cold, i);
            unexpected[1] += timeWarmCalls(production.blocking(names[i], passwords[i]), warm, i);
            unexpected[2] += timeCall(unthrottled.blocking(names[i], passwords[i] + "-wrong"),
                    Expect.UNAUTHENTICATED, wrong, i);
            unexpected[3] += timeCall(unthrottled.blocking("nobody_" + i, passwords[i]),
                    Expect.UNAUTHENTICATED, unknown, i);
            long start = System.nanoTime();
            boolean verified = hasher.verify(reference, referenceHash);
            bare[i] = (System.nanoTime() - start) / 1e6;
            unexpected[4] += verified ? 0 : 1;
        }
        progress.note("login samples done: %d users x 5 kinds", users);

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("cold login: first call of a user", production.label(), cold, unexpected[0]));
        rows.add(new Row("warm call: same user, next " + WARM_CALLS + " calls", production.label(), warm,
                unexpected[1]));
        rows.add(new Row("failed login: wrong password", unthrottled.label(), wrong, unexpected[2]));
        rows.add(new Row("failed login: unknown user", unthrottled.label(), unknown, unexpected[3]));
        rows.add(new Row("Argon2id verify alone", "in-process", bare, unexpected[4]));
        return rows;
    }

    /**
     * The warm sample of one user: the median of the next {@link #WARM_CALLS} calls. The very first of them pays for
     * what the cold login left behind (a client thread that slept through 30 ms, caches swept by 19 MiB of Argon2
     * memory, sometimes a GC), which is not a cost of authentication. Returns how many calls failed.
     */
    private static int timeWarmCalls(MilvusServiceGrpc.MilvusServiceBlockingStub stub, double[] samples, int index) {
        double[] calls = new double[WARM_CALLS];
        int unexpected = 0;
        for (int c = 0; c < WARM_CALLS; c++) {
            unexpected += timeCall(stub, Expect.ACCEPTED, calls, c);
        }
        Arrays.sort(calls);
        samples[index] = calls[WARM_CALLS / 2];
        return unexpected;
    }

    /** Times one call into {@code samples[index]} (ms); returns 1 when its outcome was not the expected one. */
    private static int timeCall(MilvusServiceGrpc.MilvusServiceBlockingStub stub, Expect expect, double[] samples,
                                int index) {
        // The deadline is fixed when the stub is derived, so derive it before the clock starts.
        MilvusServiceGrpc.MilvusServiceBlockingStub call = stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        Status.Code outcome = Status.Code.OK;
        long start = System.nanoTime();
        try {
            call.getVersion(REQUEST);
        } catch (StatusRuntimeException e) {
            outcome = e.getStatus().getCode();
        }
        samples[index] = (System.nanoTime() - start) / 1e6;
        Status.Code wanted = expect == Expect.ACCEPTED ? Status.Code.OK : Status.Code.UNAUTHENTICATED;
        return outcome == wanted ? 0 : 1;
    }
}
