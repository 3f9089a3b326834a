package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import java.util.Set;

/**
 * The partitions a read covers, tested without boxing (partition ids are beyond the JVM's small-Long cache, so a
 * {@code Set<Long>} lookup per scanned row allocated and dominated FLAT search).
 */
record PartitionSet(boolean all, long[] ids) {

    static PartitionSet of(Collection collection, Set<Long> selected) {
        boolean all = collection.partitions().stream().allMatch(p -> selected.contains(p.partitionId()));
        return new PartitionSet(all, selected.stream().mapToLong(Long::longValue).toArray());
    }

    boolean contains(long partitionId) {
        if (all) {
            return true;
        }
        for (long id : ids) {
            if (id == partitionId) {
                return true;
            }
        }
        return false;
    }
}
