package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.CheckHealthRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that close before HTTP/2 is set up (port scans, junk bytes, half a preface, a plaintext client on a
 * port that expects something else) are routine on any open port: they must not log errors or stack traces.
 */
@Timeout(60)
class JunkConnectionTest {
    @TempDir
    Path dataDir;

    @Test
    void connectionsClosingBeforeHttp2SetupLogNothingAlarming() throws Exception {
        long seed = Long.getLong("junk.seed", System.nanoTime());
        System.out.println("junk.seed=" + seed);
        Random random = new Random(seed);
        try (LoopbackServer server = LoopbackServer.start(dataDir,
                Map.of("common.security.authorizationEnabled", "true"));
             LogCapture logs = new LogCapture()) {
            int port = server.port();
            for (int i = 0; i < 40; i++) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    OutputStream out = socket.getOutputStream();
                    switch (i % 4) {
                        case 0 -> { } // connect and close: a port scan
                        case 1 -> out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        case 2 -> out.write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
                        default -> {
                            byte[] junk = new byte[1 + random.nextInt(512)];
                            random.nextBytes(junk);
                            out.write(junk);
                        }
                    }
                    out.flush();
                }
            }
            server.awaitOpenConnections(0);
            // The server still answers afterwards.
            assertThat(MilvusServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(new WireHeaders(WireHeaders.basic("root", "Milvus"), null))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .checkHealth(CheckHealthRequest.getDefaultInstance()).getIsHealthy()).isTrue();
            assertThat(logs.warnings()).isEmpty();
        }
    }
}
