package dev.vectorvault.bench;

import java.util.Locale;
import picocli.CommandLine;

/** Parsing of the older bench programs' flags with picocli, and the lower bounds picocli does not check itself. */
final class OptionChecks {
    private OptionChecks() {}

    /**
     * Fills {@code flags} (a picocli {@code @Command} object) from {@code args}.
     *
     * @throws IllegalArgumentException with picocli's message for an unknown option or a malformed value
     */
    static <T> T parse(T flags, String[] args) {
        try {
            new CommandLine(flags).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return flags;
    }

    static double atLeast(String option, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--%s must be at least %s, got %s", option,
                    min == Math.rint(min) ? Long.toString((long) min) : Double.toString(min), value));
        }
        return value;
    }

    static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("--" + option + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
