package dev.vectorvault.bench.ann;

/**
 * How long things are timed, the same for the JVM engines and the native ones.
 *
 * @param rounds        timed rounds over every engine's sweep; a point keeps its best round
 * @param pointSeconds  minimum measured time of one sweep point in one round (whole query-set passes)
 * @param warmupSeconds untimed sweep passes per JVM engine before round 1
 */
record Timing(int rounds, double pointSeconds, double warmupSeconds) {
    static Timing of(int rounds, boolean quick) {
        return quick ? new Timing(rounds, 0.3, 2) : new Timing(rounds, 1.0, 5);
    }
}
