package dev.vectorvault.bench.fulltext;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The {@code --name value} flags the full-text benchmarks share, and where their dictionary files are by default. */
final class CorpusFlags {
    private CorpusFlags() {}

    /** Every {@code --name value} pair; anything else names the usage in its error. */
    static Map<String, String> parse(String[] args, String usage) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: " + usage + "; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    /** {@code --dictd}, else the folder bin/bench-fulltext unpacks Debian's dict-gcide into. */
    static Path dictd(Map<String, String> opts) {
        return Path.of(opts.getOrDefault("dictd", System.getProperty("user.home")
                + "/.cache/vectorvault-bench/fulltext/x/usr/share/dictd"));
    }
}
