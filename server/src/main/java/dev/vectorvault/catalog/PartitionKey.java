package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.common.MilvusHash;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A collection's partition key (Milvus 2.2.9+): one Int64 or VarChar field whose value picks the partition of each
 * row. The collection then has {@code num_partitions} partitions {@code _default_0 .. _default_{n-1}} and nothing
 * else; rows are routed by Milvus's own hash so data moved between Milvus and this server lands alike, and a read
 * whose filter pins the key to values touches only the partitions those values hash to.
 *
 * <p>The hash is Milvus's {@code HashKey2Partitions}: {@link MilvusHash} of the key modulo the number of partitions.
 */
public final class PartitionKey {
    /** Milvus 2.6's {@code DefaultPartitionsWithPartitionKey}. */
    public static final int DEFAULT_PARTITIONS = 16;
    /** The collection property that makes every search name one key value ({@code key == v}, AND-ed only). */
    public static final String ISOLATION_PROPERTY = "partitionkey.isolation";
    static final String PARTITION_PREFIX = Partition.DEFAULT + "_";

    private final FieldSchema field;
    /** Partition ids in bucket order: bucket i is {@code _default_i}. */
    private final long[] partitionIds;
    private final boolean isolation;

    private PartitionKey(FieldSchema field, long[] partitionIds, boolean isolation) {
        this.field = field;
        this.partitionIds = partitionIds;
        this.isolation = isolation;
    }

    /** The collection's partition key, when its schema has one. */
    public static Optional<PartitionKey> of(Collection collection) {
        Optional<FieldSchema> key = keyField(collection.schema());
        if (key.isEmpty()) {
            return Optional.empty();
        }
        List<Partition> buckets = collection.partitions().stream()
                .filter(p -> p.name().startsWith(PARTITION_PREFIX))
                .sorted(Comparator.comparingInt(p -> bucketIndex(p.name())))
                .toList();
        long[] ids = buckets.stream().mapToLong(Partition::partitionId).toArray();
        return Optional.of(new PartitionKey(key.get(), ids, isolationEnabled(collection.properties())));
    }

    public static Optional<FieldSchema> keyField(CollectionSchema schema) {
        return schema.fields().stream().filter(FieldSchema::partitionKey).findFirst();
    }

    /** The partitions a collection with a partition key is created with. */
    static List<String> partitionNames(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> PARTITION_PREFIX + i).toList();
    }

    private static int bucketIndex(String name) {
        try {
            return Integer.parseInt(name.substring(PARTITION_PREFIX.length()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    public FieldSchema field() {
        return field;
    }

    /** Whether {@code partitionkey.isolation} is on: every search must pin the key with {@code ==}. */
    public boolean isolation() {
        return isolation;
    }

    /** The id of the partition a row whose key is {@code value} belongs to. */
    public long partitionIdFor(Object value) {
        return partitionIds[MilvusHash.bucket(value, partitionIds.length)];
    }

    /**
     * The partitions that can hold rows whose key is one of {@code values}, or empty when a value is not of the
     * key's own type (then nothing can be pruned safely).
     */
    public Optional<long[]> partitionIdsFor(java.util.Collection<Object> values) {
        long[] ids = new long[values.size()];
        int n = 0;
        for (Object value : values) {
            if (!ofKeyType(value)) {
                return Optional.empty();
            }
            long id = partitionIdFor(value);
            boolean seen = false;
            for (int i = 0; i < n && !seen; i++) {
                seen = ids[i] == id;
            }
            if (!seen) {
                ids[n++] = id;
            }
        }
        return Optional.of(Arrays.copyOf(ids, n));
    }

    private boolean ofKeyType(Object value) {
        return field.dataType() == DataType.INT64 ? value instanceof Long : value instanceof String;
    }

    /** {@code partitionkey.isolation} as Milvus parses it (Go's ParseBool, any case); absent means off. */
    public static boolean isolationEnabled(Map<String, String> properties) {
        String value = properties.get(ISOLATION_PROPERTY);
        if (value == null) {
            return false;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> {
                return true;
            }
            case "0", "f", "false" -> {
                return false;
            }
            default -> throw MilvusException.invalidParameter("failed to parse partition key isolation value: "
                    + value);
        }
    }

    /** Milvus's plain error for a partition operation on a collection whose partitions the key manages. */
    static MilvusException partitionOperationRefused(String operation) {
        return new MilvusException(ErrorCode.UNEXPECTED, "disable " + operation
                + " if partition key mode is used");
    }

    /** Milvus's message when a write or read names partitions of a partition-key collection. */
    public static final String NAMED_PARTITIONS_REFUSED =
            "not support manually specifying the partition names if partition key mode is used";
}
