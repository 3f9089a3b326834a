package dev.vectorvault.bench.fulltext;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The flags both full-text benchmarks take (a picocli mixin): where the dictionary is, how much of it to index, how
 * many queries from it, how many rounds, and the seed.
 */
final class CorpusFlags {
    @Option(names = "--dictd", description = "folder holding gcide.index and gcide.dict.dz (default: where"
            + " bin/bench-fulltext unpacks Debian's dict-gcide)")
    Path dictd = Path.of(System.getProperty("user.home"), ".cache/vectorvault-bench/fulltext/x/usr/share/dictd");
    @Option(names = "--docs", description = "dictionary entries indexed, 0 = all (default ${DEFAULT-VALUE})")
    int docs = 0;
    @Option(names = "--queries", description = "queries of 1-4 words drawn from random entries"
            + " (default ${DEFAULT-VALUE})")
    int queries = 2000;
    @Option(names = "--rounds", description = "measured rounds (default ${DEFAULT-VALUE})")
    int rounds = 3;
    @Option(names = "--seed", description = "seed of the query draw and the synthetic vectors"
            + " (default ${DEFAULT-VALUE})")
    long seed = 42;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this usage and exit")
    boolean help;

    /**
     * Fills {@code command} (a {@code @Command} that mixes in {@code corpus}) from {@code args}; on {@code --help}
     * prints the usage and exits 0, on a bad flag or value prints why and the usage and exits 2.
     */
    static <T> T parse(T command, CorpusFlags corpus, String[] args) {
        CommandLine line = new CommandLine(command);
        try {
            line.parseArgs(args);
            corpus.check(line);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            line.usage(System.err);
            System.exit(2);
        }
        if (line.isUsageHelpRequested()) {
            line.usage(System.out);
            System.exit(0);
        }
        return command;
    }

    private void check(CommandLine line) {
        if (docs < 0 || queries < 1 || rounds < 1) {
            throw new CommandLine.ParameterException(line, "--docs must be at least 0, --queries and --rounds at"
                    + " least 1; got " + docs + ", " + queries + ", " + rounds);
        }
    }
}
