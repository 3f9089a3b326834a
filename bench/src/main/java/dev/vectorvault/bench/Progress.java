package dev.vectorvault.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines on standard error, stamped with the seconds since the run began, so a minute-long run is not
 * silent; standard output carries only the report, so {@code bin/bench > report.txt} keeps it clean.
 */
final class Progress {
    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    Progress(PrintStream out) {
        this.out = out;
    }

    void note(String format, Object... args) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "[%6.1f s] %s%n", seconds, String.format(Locale.ROOT, format, args));
        out.flush();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
