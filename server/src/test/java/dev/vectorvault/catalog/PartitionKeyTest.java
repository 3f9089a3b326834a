package dev.vectorvault.catalog;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.nullable;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.MilvusHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partition key (Milvus 2.2.9+): Milvus's hash, schema rules, the partitions created, and what is refused. */
class PartitionKeyTest {
    @TempDir
    java.nio.file.Path dir;

    private CatalogFixture fx;
    private Catalog catalog;

    @BeforeEach
    void open() {
        fx = new CatalogFixture(dir);
        catalog = fx.catalog;
    }

    @AfterEach
    void close() {
        fx.close();
    }

    static FieldSchema key(FieldSchema f) {
        return new FieldSchema(f.fieldId(), f.name(), f.description(), f.dataType(), f.primaryKey(), f.autoId(),
                f.dim(), f.maxLength(), f.elementType(), f.maxCapacity(), f.nullable(), f.defaultValue(), f.dynamic(),
                true);
    }

    @Test
    void int64KeysHashWithMurmur3OverTheirLittleEndianBytesMaskedTo31Bits() {
        // The hash itself is the published MurmurHash3 x86_32 (seed 0): Guava's agrees with the reference vector.
        assertThat(Hashing.murmur3_32_fixed().hashString("hello", StandardCharsets.UTF_8).asInt())
                .isEqualTo(0x248bfa47);
        for (long value : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 1_733_400_000_000L}) {
            byte[] littleEndian = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
            long milvus = Hashing.murmur3_32_fixed().hashBytes(littleEndian).asInt() & 0x7fff_ffffL;
            for (int n : new int[] {1, 3, 16, 64, 1024}) {
                assertThat(MilvusHash.bucket(value, n)).as("%d of %d", value, n)
                        .isEqualTo((int) (milvus % n));
            }
        }
    }

    @Test
    void varcharKeysHashWithCrc32OfTheirFirstHundredUtf8Bytes() {
        // CRC32 (IEEE) check value of "123456789" is 0xCBF43926.
        assertThat(MilvusHash.bucket("123456789", 16)).isEqualTo((int) (0xCBF43926L % 16));
        assertThat(MilvusHash.bucket("123456789", 1000)).isEqualTo((int) (0xCBF43926L % 1000));
        String hundred = "x".repeat(99) + "é"; // 101 bytes: the cut falls inside the last character, as in Go
        for (int n : new int[] {7, 16, 1000}) {
            assertThat(MilvusHash.bucket(hundred + "tail", n))
                    .isEqualTo(MilvusHash.bucket("x".repeat(99) + "é-other", n));
        }
    }

    @Test
    void aKeyedCollectionGetsSixteenPartitionsByDefaultAndAsManyAsAsked() {
        Collection byDefault = catalog.createCollection("default", "d", schema(int64Key("id"), vector("v", 4),
                key(field("tenant", DataType.INT64))), 1, 0, ConsistencyLevel.BOUNDED, Map.of());
        assertThat(byDefault.partitions()).extracting(Partition::name)
                .containsExactlyElementsOf(PartitionKey.partitionNames(16))
                .startsWith("_default_0", "_default_1").doesNotContain("_default");
        Collection three = catalog.createCollection("default", "t", schema(int64Key("id"), vector("v", 4),
                key(varchar("tenant", 16))), 1, 3, ConsistencyLevel.BOUNDED, Map.of());
        assertThat(three.partitions()).extracting(Partition::name)
                .containsExactly("_default_0", "_default_1", "_default_2");
        PartitionKey partitionKey = PartitionKey.of(three).orElseThrow();
        assertThat(partitionKey.partitionIdFor("123456789"))
                .isEqualTo(three.partition("_default_" + (0xCBF43926L % 3)).orElseThrow().partitionId());
    }

    @Test
    void schemaAndNumPartitionsAreCheckedWithMilvusMessages() {
        assertRefused(ErrorCode.UNEXPECTED, "there are more than one partition key, field name = a, b",
                schema(int64Key("id"), vector("v", 4), key(field("a", DataType.INT64)), key(field("b", DataType.INT64))),
                0);
        assertRefused(ErrorCode.UNEXPECTED, "the partition key field must not be primary field",
                schema(key(int64Key("id")), vector("v", 4)), 0);
        assertRefused(ErrorCode.UNEXPECTED, "the data type of partition key should be Int64 or VarChar",
                schema(int64Key("id"), vector("v", 4), key(field("f", DataType.FLOAT))), 0);
        assertRefused(ErrorCode.PARAMETER_INVALID, "partition key field not support nullable: invalid parameter",
                schema(int64Key("id"), vector("v", 4), key(nullable(field("t", DataType.INT64)))), 0);
        assertRefused(ErrorCode.UNEXPECTED, "num_partitions should only be specified with partition key field enabled",
                schema(int64Key("id"), vector("v", 4)), 4);
        assertRefused(ErrorCode.PARAMETER_INVALID,
                "partition number (1025) exceeds max configuration (1024): invalid parameter",
                schema(int64Key("id"), vector("v", 4), key(field("t", DataType.INT64))), 1025);
        assertRefused(ErrorCode.UNEXPECTED,
                "the specified partitions should be greater than 0 if partition key is used",
                schema(int64Key("id"), vector("v", 4), key(field("t", DataType.INT64))), -1);
        assertThat(catalog.listCollections("default")).isEmpty();
    }

    private void assertRefused(ErrorCode code, String message, CollectionSchema schema, long numPartitions) {
        assertThatThrownBy(() -> catalog.createCollection("default", "c", schema, 1, numPartitions,
                ConsistencyLevel.BOUNDED, Map.of()))
                .isInstanceOf(MilvusException.class).hasMessage(message)
                .satisfies(e -> assertThat(((MilvusException) e).errorCode()).isEqualTo(code));
    }

    @Test
    void partitionsOfAKeyedCollectionAreNotManagedByHand() {
        catalog.createCollection("default", "k", schema(int64Key("id"), vector("v", 4),
                key(field("t", DataType.INT64))), 1, 2, ConsistencyLevel.BOUNDED, Map.of());
        assertThatThrownBy(() -> catalog.createPartition("default", "k", "p"))
                .hasMessage("disable create partition if partition key mode is used");
        assertThatThrownBy(() -> catalog.dropPartition("default", "k", "_default_1"))
                .hasMessage("disable drop partition if partition key mode is used");
        assertThatThrownBy(() -> catalog.loadPartitions("default", "k", List.of("_default_1")))
                .hasMessage("disable load partitions if partition key mode is used");
        assertThatThrownBy(() -> catalog.releasePartitions("default", "k", List.of("_default_1")))
                .hasMessage("disable release partitions if partition key mode is used");
        assertThat(catalog.collection("default", "k").partitions()).hasSize(2);
    }

    @Test
    void isolationNeedsAPartitionKeyAndABooleanAndCannotChangeUnderAVectorIndex() {
        assertThatThrownBy(() -> catalog.createCollection("default", "plain", schema(int64Key("id"), vector("v", 4)),
                1, 0, ConsistencyLevel.BOUNDED, Map.of(PartitionKey.ISOLATION_PROPERTY, "true")))
                .hasMessageStartingWith("partition key isolation mode is enabled but no partition key field is set");
        assertThatThrownBy(() -> catalog.createCollection("default", "bad", schema(int64Key("id"), vector("v", 4),
                key(field("t", DataType.INT64))), 1, 0, ConsistencyLevel.BOUNDED,
                Map.of(PartitionKey.ISOLATION_PROPERTY, "maybe")))
                .hasMessageContaining("failed to parse partition key isolation value: maybe");
        Collection on = catalog.createCollection("default", "iso", schema(int64Key("id"), vector("v", 4),
                key(field("t", DataType.INT64))), 1, 0, ConsistencyLevel.BOUNDED,
                Map.of(PartitionKey.ISOLATION_PROPERTY, "TRUE"));
        assertThat(PartitionKey.of(on).orElseThrow().isolation()).isTrue();
        catalog.alterProperties("default", "iso", Map.of(PartitionKey.ISOLATION_PROPERTY, "false"), List.of());
        assertThat(PartitionKey.of(catalog.collection("default", "iso")).orElseThrow().isolation()).isFalse();
        fx.indexes.create("default", "iso", "v", "", "FLAT",
                dev.vectorvault.index.RequestedMetric.parse("L2"), Map.of());
        assertThatThrownBy(() -> catalog.alterProperties("default", "iso",
                Map.of(PartitionKey.ISOLATION_PROPERTY, "true"), List.of()))
                .isInstanceOf(MilvusException.class)
                .hasMessageStartingWith("can not alter partition key isolation mode if the collection already has a"
                        + " vector index");
    }
}
