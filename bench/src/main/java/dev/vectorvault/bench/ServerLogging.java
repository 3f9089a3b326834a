package dev.vectorvault.bench;

import java.nio.file.Path;

/**
 * Sends the servers' log (start-up lines, the default-root-password warning, one audit line per failed login) to a
 * file instead of standard output, where it would tear the report apart. The audit lines are still written, so a
 * failed login costs here what it costs in production, where its audit line is written too.
 */
final class ServerLogging {
    static final String CONFIG_RESOURCE = "vectorvault-bench-logback.xml";

    private ServerLogging() {}

    /**
     * Points logback at the bench configuration; must run before any server class is loaded (they create their
     * loggers on load). Returns a description of where the log goes. {@code -Dbench.serverLog=FILE} moves the file;
     * an explicit {@code -Dlogback.configurationFile} wins over both.
     */
    static String redirectToFile() {
        if (System.getProperty("logback.configurationFile") != null) {
            return "as set by -Dlogback.configurationFile=" + System.getProperty("logback.configurationFile");
        }
        String file = System.getProperty("bench.serverLog",
                Path.of(System.getProperty("java.io.tmpdir"), "vectorvault-bench-server.log").toString());
        System.setProperty("bench.serverLog", file);
        System.setProperty("logback.configurationFile", CONFIG_RESOURCE);
        return file;
    }
}
