package dev.vectorvault.storage.data;

import java.util.List;

/**
 * One step of a manual compaction: the sealed segments {@code sources} were rewritten as the one segment
 * {@code target}, holding only their live rows ({@code target} is -1 when none was left). A single source is a
 * segment rewritten without its tombstones; several are small segments merged.
 */
public record CompactionPlan(List<Long> sources, long target) {
    public CompactionPlan {
        sources = List.copyOf(sources);
    }
}
