package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.TextTable;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Issue 16's end-to-end targets, each checked against figures of one run: the SDK's search at one client against a
 * GetVersion round trip plus 1.3 x the in-process search, and the SDK's throughput at 1 and 8 clients against the
 * in-process index's at 1 and 2 threads. Same-run ratios, so the machine's load divides out as far as it hit both
 * sides alike.
 */
record EndToEndTargets(ClosedLoop.Result getVersion, ClosedLoop.Result inProcess1, ClosedLoop.Result inProcess2,
                       ClosedLoop.Result sdk1, ClosedLoop.Result sdk8) {
    static final double LATENCY_FACTOR = 1.3;
    static final double ONE_CLIENT_SHARE = 0.5;
    static final double EIGHT_CLIENT_SHARE = 0.7;

    void print(PrintStream out, String indent) {
        TextTable table = new TextTable(1, "target", "measured", "bound", "met");
        double latencyBound = getVersion.p50Micros() + LATENCY_FACTOR * inProcess1.p50Micros();
        table.row(String.format(Locale.ROOT, "(a) e2e 1-client p50 <= GetVersion p50 %.0f + %.1f x in-process p50 %.0f"
                        + " (us)", getVersion.p50Micros(), LATENCY_FACTOR, inProcess1.p50Micros()),
                micros(sdk1.p50Micros()), "<= " + micros(latencyBound), met(sdk1.p50Micros() <= latencyBound));
        double oneClientBound = ONE_CLIENT_SHARE * inProcess1.qps();
        table.row(String.format(Locale.ROOT, "(b) e2e 1-client q/s >= %.1f x in-process 1-thread q/s %,.0f",
                        ONE_CLIENT_SHARE, inProcess1.qps()),
                qps(sdk1.qps()), ">= " + qps(oneClientBound), met(sdk1.qps() >= oneClientBound));
        double eightClientBound = EIGHT_CLIENT_SHARE * inProcess2.qps();
        table.row(String.format(Locale.ROOT, "(c) e2e 8-client q/s >= %.1f x in-process 2-thread q/s %,.0f",
                        EIGHT_CLIENT_SHARE, inProcess2.qps()),
                qps(sdk8.qps()), ">= " + qps(eightClientBound), met(sdk8.qps() >= eightClientBound));
        table.print(out, indent);
        out.printf(Locale.ROOT, "%sas ratios: (a) e2e p50 - GetVersion p50 = %.2f x in-process p50 (target <= %.1f);"
                        + " (b) %.2f (target >= %.1f); (c) %.2f (target >= %.1f)%n", indent,
                (sdk1.p50Micros() - getVersion.p50Micros()) / inProcess1.p50Micros(), LATENCY_FACTOR,
                sdk1.qps() / inProcess1.qps(), ONE_CLIENT_SHARE, sdk8.qps() / inProcess2.qps(), EIGHT_CLIENT_SHARE);
    }

    private static String micros(double value) {
        return String.format(Locale.ROOT, "%,.0f us", value);
    }

    private static String qps(double value) {
        return String.format(Locale.ROOT, "%,.0f q/s", value);
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }
}
