package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.DescribeIndexResponse;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric is parsed once, at this edge, into a typed request; what clients see stays Milvus's: the wire name back
 * from DescribeIndex, the Java SDK's {@code "INVALID"} placeholder meaning "not set", and Milvus's messages for an
 * unknown or mismatched metric.
 */
@Timeout(120)
class MetricOnTheWireTest {
    @TempDir
    Path dataDir;
    private LoopbackServer server;
    private MilvusServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of());
        stub = MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        SmallCollection.create(stub, 20);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SearchResults searchWithMetric(String metric) {
        return stub.search(SmallCollection.search(1, "topk", "3", "metric_type", metric).build());
    }

    private static void refused(Status status, String reason) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(1100);
        assertThat(status.getReason()).isEqualTo(reason);
    }

    @Test
    void aSearchNamingTheIndexesMetricInAnyCaseOrTheSdkPlaceholderIsAnswered() {
        for (String same : new String[] {"L2", "l2", "", "INVALID", "invalid"}) {
            SearchResults results = searchWithMetric(same);
            SmallCollection.ok(results.getStatus());
            assertThat(results.getResults().getTopksList()).as(same).containsExactly(3L);
        }
    }

    @Test
    void aSearchNamingAnotherOrUnknownMetricGetsMilvusMismatchMessage() {
        refused(searchWithMetric("ip").getStatus(), "metric type not match: invalid parameter[expected=L2][actual=IP]");
        refused(searchWithMetric("Hamming").getStatus(),
                "metric type not match: invalid parameter[expected=L2][actual=HAMMING]");
    }

    @Test
    void describeIndexShowsTheWireNameAndAnUnknownMetricIsRefusedOnlyForAVectorIndex() {
        DescribeIndexResponse described = stub.describeIndex(DescribeIndexRequest.newBuilder()
                .setCollectionName("c").setFieldName("v").build());
        SmallCollection.ok(described.getStatus());
        assertThat(params(described)).containsEntry("metric_type", "L2").containsEntry("index_type", "FLAT");

        Status unknown = stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c").setFieldName("v")
                .addExtraParams(SmallCollection.pair("index_type", "FLAT"))
                .addExtraParams(SmallCollection.pair("metric_type", "hamming")).build());
        assertThat(unknown.getCode()).as(unknown.getReason()).isEqualTo(1100);
        assertThat(unknown.getReason()).contains("metric type HAMMING not found or not supported, supported: "
                + "[L2, IP, COSINE]");

        // Milvus ignores a metric given for a scalar index, even a name that is no metric.
        SmallCollection.ok(stub.createIndex(CreateIndexRequest.newBuilder().setCollectionName("c")
                .setFieldName("id").setIndexName("id_idx")
                .addExtraParams(SmallCollection.pair("index_type", "INVERTED"))
                .addExtraParams(SmallCollection.pair("metric_type", "hamming")).build()));
        DescribeIndexResponse scalar = stub.describeIndex(DescribeIndexRequest.newBuilder()
                .setCollectionName("c").setFieldName("id").build());
        SmallCollection.ok(scalar.getStatus());
        assertThat(params(scalar)).doesNotContainKey("metric_type").containsEntry("index_type", "INVERTED");
    }

    private static Map<String, String> params(DescribeIndexResponse response) {
        assertThat(response.getIndexDescriptionsCount()).isEqualTo(1);
        return response.getIndexDescriptions(0).getParamsList().stream()
                .collect(Collectors.toMap(KeyValuePair::getKey, KeyValuePair::getValue));
    }
}
