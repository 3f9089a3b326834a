package dev.vectorvault.server;

import dev.vectorvault.testkit.EtcdCluster;
import dev.vectorvault.testkit.KafkaBroker;
import dev.vectorvault.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The engines a cluster test runs its nodes on, each its own process: one etcd member, and for a cluster on Milvus's
 * own engines a Kafka broker and s3proxy too ({@code kafka} and {@code s3} null otherwise). Closes what it started.
 *
 * <p>The three start side by side rather than in turn: they are separate processes, and part of each start-up is
 * waiting (Kafka's storage format before its broker, etcd's election, readiness polls), which then overlaps.
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
        Path etcdDir = Files.createDirectories(dir.resolve("etcd"));
        Path s3Dir = Files.createDirectories(dir.resolve("s3"));
        CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(KafkaBroker::start, RealEngines::starter);
        CompletableFuture<S3Server> s3 = CompletableFuture.supplyAsync(() -> S3Server.start(s3Dir),
                RealEngines::starter);
        EtcdCluster etcd = null;
        try {
            etcd = EtcdCluster.start(1, etcdDir);
            return new RealEngines(etcd, kafka.join(), s3.join());
        } catch (RuntimeException e) {
            closeOnceStarted(kafka);
            closeOnceStarted(s3);
            if (etcd != null) {
                etcd.close();
            }
            // A failed start in another thread comes wrapped: throw what the same start here would have thrown.
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** A thread of its own per start (the common pool has one thread on two cores, which would queue them). */
    private static void starter(Runnable start) {
        new Thread(start, "engine-start").start();
    }

    /** Waits for an engine still starting and closes it, whether the start succeeded or not. */
    private static void closeOnceStarted(CompletableFuture<? extends AutoCloseable> engine) {
        try {
            engine.join().close();
        } catch (Exception e) {
            // It failed to start (and cleaned up after itself), or cannot close: the first failure is the one to see.
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
