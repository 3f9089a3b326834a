package dev.vectorvault.bench;

import java.util.Arrays;

/**
 * Everything measured for one {@link Cell} over all rounds: units (rows or queries), failed operations, wall time,
 * process CPU time, each round's rate and each operation's latency.
 */
final class CellTally {
    private final Cell cell;
    private final double[] roundRates;
    private final LatencySamples latencies = new LatencySamples();
    private long units;
    private long errors;
    private long nanos;
    private long cpuNanos;
    private String firstError;

    CellTally(Cell cell, int rounds) {
        this.cell = cell;
        this.roundRates = new double[rounds];
    }

    Cell cell() {
        return cell;
    }

    void add(int round, ClientLoop.Result result) {
        Window w = result.window();
        units += w.calls();
        errors += w.errors();
        nanos += w.nanos();
        cpuNanos = cpuNanos < 0 || w.cpuNanos() < 0 ? -1 : cpuNanos + w.cpuNanos();
        roundRates[round] = w.callsPerSecond();
        if (firstError == null) {
            firstError = result.firstError();
        }
    }

    /** Units per second over all rounds: all units / all their time. */
    double rate() {
        return nanos == 0 ? Double.NaN : units * 1e9 / nanos;
    }

    double minRoundRate() {
        return Arrays.stream(roundRates).min().orElse(Double.NaN);
    }

    double maxRoundRate() {
        return Arrays.stream(roundRates).max().orElse(Double.NaN);
    }

    double roundRate(int round) {
        return roundRates[round];
    }

    int rounds() {
        return roundRates.length;
    }

    /** Process CPU (client and server, all threads) per unit, in microseconds; NaN where the JVM cannot tell. */
    double cpuMicrosPerUnit() {
        return cpuNanos < 0 || units == 0 ? Double.NaN : cpuNanos / 1e3 / units;
    }

    long errors() {
        return errors;
    }

    String firstError() {
        return firstError;
    }

    LatencySamples latencies() {
        return latencies;
    }
}
