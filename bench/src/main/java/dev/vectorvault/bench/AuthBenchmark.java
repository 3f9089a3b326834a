package dev.vectorvault.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures, in one run and side by side, what user authentication costs a VectorVault server, and prints the result
 * as four tables. Three servers run in this JVM on loopback ports, each with an in-memory store:
 * <ul>
 *   <li><b>auth OFF</b> - {@code common.security.authorizationEnabled=false}: the baseline;</li>
 *   <li><b>auth ON</b> - authentication on, everything else default (login throttle on);</li>
 *   <li><b>auth ON, no throttle</b> - authentication on, {@code common.security.loginThrottle.enabled=false}:
 *       used only for the failed-login rows, so that the throttle never replaces a failure's hash by a refusal.</li>
 * </ul>
 * Both sides of a comparison get the same client, the same channel settings and the same {@code authorization}
 * header, and are measured interleaved (see {@link ThroughputComparison}), so the drift of a shared machine lands on
 * both alike.
 *
 * <p>How to read the tables:
 * <ol>
 *   <li><b>Unary throughput</b> - {@code GetVersion} calls per second with 1 call in flight and with
 *       {@code --inflight} calls in flight, auth OFF versus auth ON with a warm credential (the verified-credential
 *       cache makes such a call cost one HMAC-SHA256, not one Argon2id). {@code on/off} is the ratio of the totals;
 *       the goal is at least 0.97. The per-round median and range show how steady that ratio is: if the range is far
 *       wider than the distance of on/off from 1, the difference is within the machine's noise - run
 *       {@code --control} (two auth-OFF servers, A/A) to see how far apart two identical servers land, and longer
 *       {@code --seconds} to narrow it. {@code GetVersion} does no work, so this is the worst case: with a real handler
 *       the same absolute cost is a smaller share.</li>
 *   <li><b>Latency at 1 in flight</b> - client-side round trips, p50 and p99 over every measured call; {@code added}
 *       is on minus off, the time authentication adds to one call (p99 is noisy). Below it, the same check run
 *       in-process without gRPC ({@link WarmCheckCost}): the floor of what authentication can add.</li>
 *   <li><b>CPU per call</b> at {@code --inflight} calls in flight - process CPU time (client and server) divided by
 *       calls, per side; steadier than rates on a machine whose speed drifts, because waiting does not count.</li>
 *   <li><b>Login cost</b> - single calls, in milliseconds: the first call of a freshly created user (one Argon2id
 *       verification, m=19 MiB, t=2, p=1, then the cache is filled), that user's next calls (warm), a wrong password
 *       and an unknown user (one Argon2id each, by design of equal cost), and one bare in-process Argon2id
 *       verification: cold login minus that is what the RPC and the rest of the check cost.</li>
 * </ol>
 * Nothing here asserts a time: the program measures and reports, and a person judges.
 *
 * <p>Options: {@code --seconds --warmup --rounds --inflight --users --control} (see {@link BenchOptions}); the report
 * goes to standard output, progress to standard error, the servers' log to a file (see {@link ServerLogging}).
 */
public final class AuthBenchmark {
    /** The user whose warm calls make up the throughput load; it exists on the auth-ON server only. */
    private static final String LOAD_USER = "bench_load";
    private static final String LOAD_PASSWORD = "Bench-load-password-1";

    private AuthBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        // Before the first server class is touched: the server classes create their loggers when loaded.
        String serverLog = ServerLogging.redirectToFile();
        Progress progress = new Progress(System.err);
        double loadAtStart = BenchReport.systemLoad();
        progress.note("starting 3 servers; about %.0f s of throughput slices follow, then %d users' logins",
                options.throughputSeconds(), options.users());

        try (BenchServer off = BenchServer.start("auth OFF",
                     "authorizationEnabled=false (protected mode: loopback clients only)",
                     Map.of("common.security.authorizationEnabled", "false"));
             BenchServer on = options.control()
                     ? BenchServer.start("auth OFF #2",
                             "authorizationEnabled=false, in place of auth ON (--control: an A/A run)",
                             Map.of("common.security.authorizationEnabled", "false"))
                     : BenchServer.start("auth ON",
                             "authorizationEnabled=true, login throttle on (defaults)",
                             Map.of("common.security.authorizationEnabled", "true"));
             BenchServer unthrottled = BenchServer.start("auth ON, no throttle",
                     "authorizationEnabled=true, common.security.loginThrottle.enabled=false (failed logins only)",
                     Map.of("common.security.authorizationEnabled", "true",
                             "common.security.loginThrottle.enabled", "false"))) {
            on.createUser(LOAD_USER, LOAD_PASSWORD);
            List<ThroughputComparison.LoadResult> throughput =
                    new ThroughputComparison(off, on, LOAD_USER, LOAD_PASSWORD, options, progress).run();
            // An A/A run has no authenticating second server, so login costs would mean nothing there.
            WarmCheckCost.Result warmCheck = null;
            List<LoginCosts.Row> logins = List.of();
            if (!options.control()) {
                warmCheck = WarmCheckCost.measure(on.config(), TimeUnit.SECONDS.toNanos(2), 50);
                progress.note("in-process warm check: %.2f us per call", warmCheck.medianMicros());
                logins = LoginCosts.measure(on, unthrottled, options.users(), progress);
            }
            new BenchReport(options, serverLog, loadAtStart, List.of(off, on, unthrottled))
                    .print(System.out, throughput, warmCheck, logins, progress.elapsedSeconds());
        }
    }
}
