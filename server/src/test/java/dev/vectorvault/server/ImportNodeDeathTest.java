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
 * instead of Importing forever.
 */
@Timeout(300)
class ImportNodeDeathTest {
    private static final int TTL_SECONDS = 3;
    private static final int ROWS = 300_000;

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
        // Large enough that checking and writing it take far longer than noticing the job has started.
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.write('[');
        for (int i = 0; i < ROWS; i++) {
            json.write(((i == 0 ? "" : ",") + "{\"id\":" + i + ",\"v\":[" + i + ",1,2,3]}")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        json.write(']');
        try (S3ObjectStore bucket = S3TestStores.open(engines.s3.port(), "files", 60_000)) {
            bucket.write("uploads/big.json", json.toByteArray());
        }

        ImportResponse accepted = first.import_(ImportRequest.newBuilder().setCollectionName("c")
                .addFiles("uploads/big.json").build());
        SmallCollection.ok(accepted.getStatus());
        long job = accepted.getTasks(0);
        int runner = (int) cluster.ownerIndex().orElseThrow(); // Import runs on the collection's owner
        int survivor = 1 - runner;
        MilvusServiceBlockingStub onSurvivor = cluster.stub(survivor, 280);
        GetImportStateResponse state = state(onSurvivor, job);
        while (state.getState() == ImportState.ImportPending) {
            Thread.sleep(20);
            state = state(onSurvivor, job);
        }
        assertThat(state.getState()).as("the job must still run when its node is killed; make the file larger. %s",
                state).isEqualTo(ImportState.ImportStarted);
        long runnerId = cluster.nodeId(runner);
        cluster.kill(runner);

        while (state.getState() == ImportState.ImportStarted) {
            Thread.sleep(100);
            state = state(onSurvivor, job);
        }
        assertThat(state.getState()).isEqualTo(ImportState.ImportFailed);
        assertThat(info(state, "failed_reason")).contains("node " + runnerId).contains("etcd session ended");
        System.out.println("ImportNodeDeathTest: " + info(state, "failed_reason"));
    }

    private static GetImportStateResponse state(MilvusServiceBlockingStub stub, long job) {
        GetImportStateResponse state = stub.getImportState(GetImportStateRequest.newBuilder().setTask(job).build());
        SmallCollection.ok(state.getStatus());
        return state;
    }
}
