package dev.vectorvault;

import dev.vectorvault.config.ConfigException;
import dev.vectorvault.config.ConfigLoader;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.server.MilvusServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/server [--config FILE] [--set key=value ...]}: runs the server in the foreground until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Milvus 2.6 wire-compatible vector database server with authenticated access.")
public final class Main implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "milvus.yaml-style configuration file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key, e.g. proxy.port=19531")
    List<String> overrides = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig settings;
        try {
            settings = ConfigLoader.load(config, overrides);
        } catch (ConfigException e) {
            System.err.println("server: " + e.getMessage());
            return 2;
        }
        MilvusServer server;
        try {
            server = MilvusServer.start(settings);
        } catch (ConfigException e) {
            // Settings that only the services can judge (privilege lists, say) are checked at start.
            System.err.println("server: " + e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        server.awaitTermination();
        return 0;
    }
}
