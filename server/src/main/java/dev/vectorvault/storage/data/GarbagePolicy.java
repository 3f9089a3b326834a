package dev.vectorvault.storage.data;

import java.time.Duration;

/**
 * When sealed objects that no manifest names any more are deleted (Milvus's {@code dataCoord.gc.*} keys): the
 * collector runs every {@code interval} (and after every checkpoint); an object a manifest named once (a compacted
 * segment, the files of a dropped collection or index) goes once it has been unnamed for {@code dropTolerance}; an
 * object no manifest this process saw ever named (left by a checkpoint that failed before its manifest, or found after
 * a restart) goes after {@code missingTolerance}. The grace lets a reader that is still loading an older manifest (a
 * follower replica, a node taking a collection over) finish before its objects vanish.
 */
public record GarbagePolicy(Duration interval, Duration dropTolerance, Duration missingTolerance) {
    /** Unnamed objects go at the next checkpoint: what a store opened without a policy does (tests, tools). */
    public static final GarbagePolicy IMMEDIATE = new GarbagePolicy(Duration.ofHours(1), Duration.ZERO,
            Duration.ZERO);

    public GarbagePolicy {
        if (interval.isNegative() || interval.isZero() || dropTolerance.isNegative()
                || missingTolerance.isNegative()) {
            throw new IllegalArgumentException("a positive interval and non-negative tolerances are needed: "
                    + interval + ", " + dropTolerance + ", " + missingTolerance);
        }
    }
}
