package dev.vectorvault.storage.data;

import dev.vectorvault.common.HybridClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plans of this store's recent compactions by compaction id, what GetCompactionState and
 * GetCompactionStateWithPlans answer from: a manual compaction's id goes back to its client; an automatic one (a
 * background expiry round, a checkpoint's rewrite of a segment past the ratio threshold) gets an id too, written in
 * its log line, as Milvus gives each automatic compaction trigger its own id and logs it (no call lists them). Ids are
 * hybrid timestamps, increasing. The last {@value #REMEMBERED} are kept; an older or unknown id has no plans.
 * Thread-safe.
 */
public final class CompactionHistory {
    static final int REMEMBERED = 256;

    private final HybridClock ids = new HybridClock();
    private final Map<Long, List<CompactionPlan>> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<CompactionPlan>> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Records one compaction's plans (none: nothing was due) under a new id, and returns the id. */
    public synchronized long record(List<CompactionPlan> plans) {
        long id = ids.next();
        recent.put(id, List.copyOf(plans));
        return id;
    }

    /** The plans of compaction {@code id}; empty when it rewrote nothing, or is unknown here (another node's, old). */
    public synchronized List<CompactionPlan> plans(long id) {
        return recent.getOrDefault(id, List.of());
    }

    /** The ids remembered, oldest first (tests; clients learn an automatic compaction's id from the log). */
    synchronized List<Long> ids() {
        return new ArrayList<>(recent.keySet());
    }
}
