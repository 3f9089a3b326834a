package dev.vectorvault.server;

import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import dev.vectorvault.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engines a cluster test runs its nodes on, each its own process: one etcd member, and for a cluster on Milvus's
 * own engines a Kafka broker and s3proxy too ({@code kafka} and {@code s3} null otherwise). Closes what it started.
 */
final class RealEngines implements AutoCloseable {
    final EtcdCluster etcd;
    final KafkaBroker kafka;
    final S3Server s3;

    private RealEngines(EtcdCluster etcd, KafkaBroker kafka, S3Server s3) {
        this.etcd = etcd;
        this.kafka = kafka;
        this.s3 = s3;
    }

    static RealEngines etcdOnly(Path dir) throws IOException {
        return new RealEngines(EtcdCluster.start(1, Files.createDirectories(dir.resolve("etcd"))), null, null);
    }

    static RealEngines withKafkaAndS3(Path dir) throws IOException {
        RealEngines started = etcdOnly(dir);
        KafkaBroker kafka = null;
        try {
            kafka = KafkaBroker.start();
            return new RealEngines(started.etcd, kafka, S3Server.start(Files.createDirectories(dir.resolve("s3"))));
        } catch (RuntimeException | IOException e) {
            if (kafka != null) {
                kafka.close();
            }
            started.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (s3 != null) {
            s3.close();
        }
        etcd.close();
    }
}
