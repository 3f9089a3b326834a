package dev.vectorvault.server;

import static dev.vectorvault.server.BulkImportRpcTest.info;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.s3.S3ObjectStore;
import dev.vectorvault.storage.s3.S3TestStores;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node running an import job is killed with {@code kill -9} (server nodes, etcd, Kafka and s3proxy as processes):
 * once its session lease has run out, the surviving node reports the job Failed with a reason naming the dead node,
 * instead of running forever. The bucket is stalled (s3proxy stopped with SIGSTOP) from before the import until the
 * kill, so the job is still staging its file when its node dies, however fast the machine.
 */
@Timeout(300)
class ImportNodeDeathTest {
    private static final int TTL_SECONDS = 3;
    private static final int ROWS = 1_000;

    @TempDir
    Path dir;
    private RealEngines engines;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void theJobOfAKilledNodeIsReportedFailedOnceItsSessionEnds() throws Exception {
        engines = RealEngines.withKafkaAndS3(dir);
        List<String> keys = new ArrayList<>(ClusterProcesses.onKafkaAndS3(engines.kafka, engines.s3.port(),
                S3TestStores.BUCKET, TTL_SECONDS));
        keys.add("dataNode.import.readBufferSizeInMB=1"); // the node JVMs have a small heap
        cluster = new ClusterProcesses(dir, engines.etcd, keys);
        cluster.start(2);
        MilvusServiceBlockingStub first = cluster.stub(0, 280);
        ClusterImportTest.createCollection(first);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.write('[');
        for (int i = 0; i < ROWS; i++) {
            json.write(((i == 0 ? "" : ",") + "{\"id\":" + i + ",\"v\":[" + i + ",1,2,3]}")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        json.write(']');
        try (S3ObjectStore bucket = S3TestStores.open(engines.s3.port(), "files", 60_000)) {
            bucket.write("uploads/rows.json", json.toByteArray());
        }

        ImportResponse accepted;
        int runner;
        // With the bucket stalled the job cannot stage its file, so it is certainly unfinished when its node dies.
        engines.s3.freeze(true);
        try {
            accepted = first.import_(ImportRequest.newBuilder().setCollectionName("c")
                    .addFiles("uploads/rows.json").build());
            SmallCollection.ok(accepted.getStatus());
            runner = (int) cluster.ownerIndex().orElseThrow(); // Import runs on the collection's owner
            cluster.kill(runner);
        } finally {
            engines.s3.freeze(false);
        }
        long job = accepted.getTasks(0);
        long runnerId = cluster.nodeId(runner);
        MilvusServiceBlockingStub onSurvivor = cluster.stub(1 - runner, 280);
        GetImportStateResponse state = state(onSurvivor, job);

        while (state.getState() == ImportState.ImportPending || state.getState() == ImportState.ImportStarted) {
            Thread.sleep(100);
            state = state(onSurvivor, job);
        }
        assertThat(state.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(state, "failed_reason")).contains("node " + runnerId).contains("etcd session ended")
                .contains("none of its rows had been written");
        System.out.println("ImportNodeDeathTest: " + info(state, "failed_reason"));
    }

    private static GetImportStateResponse state(MilvusServiceBlockingStub stub, long job) {
        GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
        SmallCollection.ok(state.getStatus());
        return state;
    }
}
