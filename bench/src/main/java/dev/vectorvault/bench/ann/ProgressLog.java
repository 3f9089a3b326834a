package dev.vectorvault.bench.ann;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines on standard error, stamped with seconds since the start; standard output carries only the report. */
final class ProgressLog {
    private final PrintStream out;
    private final long start = System.nanoTime();

    ProgressLog(PrintStream out) {
        this.out = out;
    }

    void note(String format, Object... args) {
        out.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - start) / 1e9,
                String.format(Locale.ROOT, format, args));
        out.flush();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
