package dev.vectorvault.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Runs cells in short slices, all of them in every round, so that the drift of a shared machine (other tenants,
 * turbo, a GC) lands on every cell alike instead of on whichever happened to run last. Cells meant to be compared
 * are passed next to each other; odd rounds run the list backwards, so each of a pair goes first half the time.
 */
final class RoundRobin {
    private static final long WARMUP_SLICE_NANOS = 250_000_000L;

    private RoundRobin() {}

    static List<CellTally> run(List<? extends Cell> cells, DataOptions options, Progress progress, String phase)
            throws InterruptedException {
        warmUp(cells, options, progress, phase);
        List<CellTally> tallies = new ArrayList<>();
        for (Cell cell : cells) {
            tallies.add(new CellTally(cell, options.rounds()));
        }
        for (int round = 0; round < options.rounds(); round++) {
            List<CellTally> order = new ArrayList<>(tallies);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (CellTally tally : order) {
                tally.add(round, tally.cell().run(options.sliceNanos(), tally.latencies()));
            }
            progress.note("%s: round %d/%d %s", phase, round + 1, options.rounds(), summary(tallies, round));
        }
        return tallies;
    }

    /**
     * Untimed short slices over all cells, in order, until the warm-up time is spent (at least one pass), so the JIT
     * has compiled every path before round 1. The gRPC paths need by far the longest: hundreds of Netty, gRPC and
     * protobuf methods, and on a busy 2-core machine the compiler threads get little CPU. Each pass's rates go to the
     * progress log, where one can see whether they had settled.
     */
    private static void warmUp(List<? extends Cell> cells, DataOptions options, Progress progress, String phase)
            throws InterruptedException {
        if (options.warmupNanos() <= 0) {
            return;
        }
        long end = System.nanoTime() + options.warmupNanos();
        long slice = Math.min(WARMUP_SLICE_NANOS, options.warmupNanos() / cells.size() + 1);
        for (int pass = 1; pass == 1 || System.nanoTime() < end; pass++) {
            StringBuilder rates = new StringBuilder();
            for (Cell cell : cells) {
                rates.append(String.format(Locale.ROOT, " %,.0f", cell.run(slice, null).window().callsPerSecond()));
            }
            progress.note("%s: warm-up pass %d:%s /s", phase, pass, rates);
        }
    }

    private static String summary(List<CellTally> tallies, int round) {
        StringBuilder text = new StringBuilder();
        for (CellTally tally : tallies) {
            text.append(String.format(Locale.ROOT, "%n           %-58s %,10.0f/s", tally.cell().name(),
                    tally.roundRate(round)));
        }
        return text.toString();
    }
}
