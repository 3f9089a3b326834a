package dev.vectorvault;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dependencies point one way: server (gRPC edge) -> auth, catalog, query -> index, storage -> config, common; the
 * generated protobuf types stay at the edge.
 */
@Timeout(60)
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vectorvault");

    @Test
    void noDomainPackageDependsOnTheGrpcEdge() {
        noClasses().that().resideInAnyPackage("..auth..", "..catalog..", "..query..", "..index..", "..storage..",
                        "..config..", "..common..", "..cluster..", "..resourcegroup..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vectorvault.server..")
                .check(CLASSES);
    }

    @Test
    void generatedProtobufTypesStayInTheServerPackage() {
        noClasses().that().resideInAnyPackage("..auth..", "..catalog..", "..query..", "..index..", "..storage..",
                        "..config..", "..common..", "dev.vectorvault.cluster", "..resourcegroup..")
                .should().dependOnClassesThat().resideInAnyPackage("io.milvus.grpc..", "io.grpc..")
                .check(CLASSES);
    }

    @Test
    void lowerLayersKnowNothingOfTheLayersAboveThem() {
        noClasses().that().resideInAnyPackage("..storage..", "..index..", "..config..", "..common..", "..text..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vectorvault.auth..",
                        "dev.vectorvault.catalog..", "dev.vectorvault.query..")
                .check(CLASSES);
    }

    /** Analyzers and BM25 sit beside the index layer: they know sparse vectors, never storage or the services. */
    @Test
    void fullTextSearchKnowsOnlyTheIndexLayerAndLucene() {
        noClasses().that().resideInAPackage("dev.vectorvault.text..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vectorvault.storage..",
                        "dev.vectorvault.cluster..", "dev.vectorvault.server..", "dev.vectorvault.auth..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.text..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.lucene..", "org.tartarus..")
                .check(CLASSES);
    }

    /** Cluster mode coordinates nodes; it knows the metadata store seam, never the services built on it. */
    @Test
    void theClusterLayerKnowsNoDomainService() {
        noClasses().that().resideInAPackage("dev.vectorvault.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vectorvault.auth..",
                        "dev.vectorvault.catalog..", "dev.vectorvault.query..", "dev.vectorvault.index..")
                .check(CLASSES);
    }

    @Test
    void theFilterLanguageStandsAlone() {
        noClasses().that().resideInAPackage("dev.vectorvault.query.expr..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vectorvault.catalog..",
                        "dev.vectorvault.storage..", "dev.vectorvault.index..", "dev.vectorvault.auth..")
                .check(CLASSES);
    }

    @Test
    void thePrometheusClientStaysBehindTheMetricsSeam() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.metrics.prometheus..")
                .should().dependOnClassesThat().resideInAnyPackage("io.prometheus..")
                .check(CLASSES);
    }

    @Test
    void jetcdStaysInTheEtcdAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.cluster.etcd..")
                .should().dependOnClassesThat().resideInAnyPackage("io.etcd..")
                .check(CLASSES);
    }

    @Test
    void theAwsSdkStaysInTheObjectStorageAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.storage.s3..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..")
                .check(CLASSES);
    }

    /** kafka-clients stays in the shard log's Kafka implementation; the seam ({@code storage.log}) knows no Kafka. */
    @Test
    void kafkaStaysInTheKafkaAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.storage.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .check(CLASSES);
    }

    /** Logback is the logging backend: the code logs through SLF4J, and only the audit file sink uses Logback. */
    @Test
    void logbackStaysInTheLoggingAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.logging..")
                .should().dependOnClassesThat().resideInAnyPackage("ch.qos.logback..")
                .check(CLASSES);
    }

    /**
     * parquet-java stays in bulk import's file side ({@code ingest}); the server sees a Parquet file only as
     * {@code ingest.ParquetRows}' columns and values, and Hadoop is never called at all (it is not shipped).
     */
    @Test
    void parquetStaysInTheIngestPackageAndHadoopIsNeverUsed() {
        noClasses().that().resideOutsideOfPackage("dev.vectorvault.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.parquet..")
                .check(CLASSES);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.hadoop..").check(CLASSES);
    }
}
