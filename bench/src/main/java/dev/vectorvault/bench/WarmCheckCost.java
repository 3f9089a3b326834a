package dev.vectorvault.bench;

import dev.vectorvault.auth.AuditLog;
import dev.vectorvault.auth.Authenticator;
import dev.vectorvault.auth.CredentialStore;
import dev.vectorvault.auth.LoginThrottle;
import dev.vectorvault.auth.Password;
import dev.vectorvault.auth.PasswordHasher;
import dev.vectorvault.auth.VerifiedCredentialCache;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server-side work of one warm credential check, without gRPC: what the interceptor does per call once the
 * header is decoded - wrap the password bytes ({@link Password#fromUtf8}, which validates UTF-8) and run
 * {@link Authenticator#authenticate} (throttle look-up, credential look-up, one HMAC-SHA256, a constant-time
 * compare). Built from the same classes and settings as the auth-ON server. Calls are timed in batches, so the clock
 * itself costs nothing per call; the median batch is reported.
 */
final class WarmCheckCost {
    private static final String USER = "bench_check";
    private static final byte[] PASSWORD = "Bench-check-password-1".getBytes(StandardCharsets.UTF_8);
    static final int BATCH = 2_000;

    /** Median per call, in microseconds, and how many checks were not accepted (should be 0). */
    record Result(double medianMicros, long rejected, int batches) {}

    private WarmCheckCost() {}

    /**
     * Warms up for {@code warmupNanos} (time, not a call count: on a busy machine the JIT's compiler threads need
     * seconds of CPU before the loop runs compiled code), then times {@code batches} batches.
     */
    static Result measure(ServerConfig config, long warmupNanos, int batches) {
        try (MvMetaStore store = MvMetaStore.inMemory()) {
            CredentialStore credentials = new CredentialStore(store);
            PasswordHasher hasher = new PasswordHasher(config.hash());
            Authenticator authenticator = new Authenticator(credentials, hasher, new VerifiedCredentialCache(),
                    new LoginThrottle(config.throttle(), System::currentTimeMillis), new AuditLog(), 2);
            credentials.add(USER, hasher.hash(Password.of(new String(PASSWORD, StandardCharsets.UTF_8))), "", 100);
            long rejected = 0;
            long warmEnd = System.nanoTime() + warmupNanos;
            while (System.nanoTime() < warmEnd) { // the first call is the cold login that fills the cache
                for (int i = 0; i < BATCH; i++) {
                    rejected += check(authenticator);
                }
            }
            double[] perCall = new double[batches];
            for (int b = 0; b < batches; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < BATCH; i++) {
                    rejected += check(authenticator);
                }
                perCall[b] = (System.nanoTime() - start) / 1e3 / BATCH;
            }
            Arrays.sort(perCall);
            return new Result(perCall[batches / 2], rejected, batches);
        }
    }

    private static int check(Authenticator authenticator) {
        Password password = Password.fromUtf8(PASSWORD).orElseThrow();
        return authenticator.authenticate(USER, password, "127.0.0.1") == Authenticator.Outcome.ACCEPTED ? 0 : 1;
    }
}
