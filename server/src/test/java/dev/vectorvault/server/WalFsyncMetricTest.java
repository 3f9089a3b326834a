package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.MilvusServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** /metrics publishes the write-ahead log's fsync latency, recorded by the log itself through its force listener. */
@Timeout(60)
class WalFsyncMetricTest {
    private static final Pattern COUNT = Pattern.compile("(?m)^vectorvault_wal_fsync_seconds_count (\\S+)$");

    @TempDir
    Path dir;

    private static double forcesCounted(int port) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher count = COUNT.matcher(text);
        assertThat(count.find()).as("fsync histogram in:%n%s", text).isTrue();
        assertThat(text).contains("vectorvault_wal_fsync_seconds_bucket{le=");
        return Double.parseDouble(count.group(1));
    }

    @Test
    void durableInsertsAreCountedInTheFsyncHistogram() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of())) {
            int port = server.server().managementPort();
            double before = forcesCounted(port);
            SmallCollection.create(MilvusServiceGrpc.newBlockingStub(server.channel()), 10);
            assertThat(forcesCounted(port)).isGreaterThanOrEqualTo(before + 1);
        }
    }

    @Test
    void bufferedWritesForceNothing() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(dir, Map.of("localStorage.syncWrites", "false"))) {
            int port = server.server().managementPort();
            double before = forcesCounted(port);
            SmallCollection.create(MilvusServiceGrpc.newBlockingStub(server.channel()), 10);
            assertThat(forcesCounted(port)).isEqualTo(before);
        }
    }
}
