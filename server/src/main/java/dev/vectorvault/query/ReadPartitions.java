package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.PartitionKey;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.query.expr.FilterExpression;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Which partitions a search or query reads. */
final class ReadPartitions {
    private ReadPartitions() {}

    /**
     * The named partitions or every loaded one. With a partition key, names are refused as Milvus refuses them
     * (search: a plain error; query: 1100), a search on a collection with {@code partitionkey.isolation} must pin the
     * key with {@code ==}, and a filter that pins the key to values narrows the read to the partitions those values
     * hash to (rows of other partitions are then passed over before the filter is evaluated).
     */
    static PartitionSet of(Collection collection, List<String> names, FilterExpression filter, boolean search) {
        return PartitionSet.of(collection, ids(collection, names, filter, search));
    }

    private static Set<Long> ids(Collection collection, List<String> names, FilterExpression filter,
                                 boolean search) {
        Optional<PartitionKey> key = PartitionKey.of(collection);
        if (key.isEmpty()) {
            return collection.readablePartitionIds(names); // only loaded partitions are read
        }
        if (names != null && !names.isEmpty()) {
            throw search ? new MilvusException(ErrorCode.UNEXPECTED, PartitionKey.NAMED_PARTITIONS_REFUSED)
                    : MilvusException.invalidParameter(PartitionKey.NAMED_PARTITIONS_REFUSED);
        }
        String keyField = key.get().field().name();
        if (search && key.get().isolation()) {
            Optional<String> violation = filter.partitionKeyIsolationViolation(keyField);
            if (violation.isPresent()) {
                throw new MilvusException(ErrorCode.UNEXPECTED, violation.get());
            }
        }
        Set<Long> loaded = collection.readablePartitionIds(List.of());
        Optional<long[]> pinned = filter.pinnedValues(keyField).flatMap(key.get()::partitionIdsFor);
        if (pinned.isEmpty()) {
            return loaded;
        }
        Set<Long> narrowed = new HashSet<>();
        for (long id : pinned.get()) {
            if (loaded.contains(id)) {
                narrowed.add(id);
            }
        }
        return narrowed;
    }
}
