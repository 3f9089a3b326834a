package dev.vectorvault.bench.ann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One ratio measured once per interleaved round (an engine's figure over the reference engine's figure from the same
 * round), summarised by its median and its spread. On a shared machine the spread says whether a difference is
 * larger than the drift between rounds: a median of 0.9 whose rounds run 0.7 to 1.2 settles nothing.
 */
final class RoundRatios {
    private final List<Double> values = new ArrayList<>();

    /** Adds the round's ratio {@code value / reference}; a missing figure (NaN or a zero reference) adds NaN. */
    void add(double value, double reference) {
        values.add(Double.isNaN(value) || Double.isNaN(reference) || reference == 0 ? Double.NaN : value / reference);
    }

    /** The ratio of round {@code round} (0-based). */
    double at(int round) {
        return values.get(round);
    }

    /** The median over the rounds that have a ratio; NaN when none has. */
    double median() {
        double[] known = known();
        if (known.length == 0) {
            return Double.NaN;
        }
        int middle = known.length / 2;
        return known.length % 2 == 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
    }

    double min() {
        double[] known = known();
        return known.length == 0 ? Double.NaN : known[0];
    }

    double max() {
        double[] known = known();
        return known.length == 0 ? Double.NaN : known[known.length - 1];
    }

    /** How many rounds' ratios lie below 1. */
    int roundsBelowOne() {
        return (int) Arrays.stream(known()).filter(v -> v < 1).count();
    }

    /** Rounds that have a ratio. */
    int rounds() {
        return known().length;
    }

    /** "median (min-max), n of m below 1", or "n/a". */
    String summary() {
        if (rounds() == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.3f (%.3f-%.3f), %d of %d below 1", median(), min(), max(),
                roundsBelowOne(), rounds());
    }

    static String format(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.3f", ratio);
    }

    private double[] known() {
        return values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }
}
