package dev.vectorvault.query;

import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;

/**
 * What a read served by a follower replica waits for before it runs: Milvus's consistency levels (its proxy's
 * {@code parseGuaranteeTsFromConsistency}) mapped onto shard-log positions. Milvus waits until a query node's service
 * time reaches the guarantee timestamp; our timestamps are not in the log, but a follower can wait until it has applied
 * every shard up to the end position the log had at a given moment, which holds every write acknowledged before it.
 *
 * <ul>
 * <li><b>Strong</b>: the log's end when the read arrives (Milvus: the newest timestamp). The request's
 * {@code guarantee_timestamp} is not used, as in Milvus.</li>
 * <li><b>Bounded</b>: a copy seen at the log's end within {@code common.gracefulTime} answers at once, else as
 * Strong. {@code guarantee_timestamp} is not used, as in Milvus.</li>
 * <li><b>Eventually</b>: never waits.</li>
 * <li><b>Session</b> (and the deprecated <b>Customized</b>): the request's {@code guarantee_timestamp}, which the SDKs
 * set to the timestamp of the client's last write (0 or 1 when it made none). 0 or 1 never waits (Milvus's service
 * time is always past them). A larger one was issued by a node after the write it stands for was applied and
 * acknowledged (a write's timestamp is taken once it is durable), so the log's end at the moment the timestamp's
 * time has passed on this node holds it: the read waits for that clock time (a client's own write normally lies in
 * the past already; a clock ahead of this node's costs at most the difference), then for that end position. A
 * timestamp further ahead than {@code cluster.consistencyWaitMs} cannot be waited for and is refused (code 1100),
 * never ignored. The owner of a collection applies every write before it acknowledges it, so it never waits.</li>
 * </ul>
 *
 * @param waits          whether the read waits at all
 * @param maxLagMillis   Bounded: how long ago the copy may have been at the log's end (0: it must reach it)
 * @param notBeforeMillis the clock time (ms) after which the log's end is taken (0: at once)
 */
public record ReadGuarantee(boolean waits, long maxLagMillis, long notBeforeMillis) {
    public static final ReadGuarantee NONE = new ReadGuarantee(false, 0, 0);
    public static final ReadGuarantee LOG_END = new ReadGuarantee(true, 0, 0);

    /**
     * @param level             the request's level, or the collection's when the request uses the default
     * @param customized        the request asked for the deprecated Customized level (served as Session)
     * @param guaranteeTs       the request's {@code guarantee_timestamp}
     * @param nowMillis         this node's clock
     * @param gracefulTimeMs    {@code common.gracefulTime}
     * @param consistencyWaitMs {@code cluster.consistencyWaitMs}
     * @throws MilvusException  {@code PARAMETER_INVALID} for a Session timestamp too far ahead to wait for
     */
    public static ReadGuarantee of(ConsistencyLevel level, boolean customized, long guaranteeTs, long nowMillis,
                                   long gracefulTimeMs, long consistencyWaitMs) {
        ConsistencyLevel effective = customized ? ConsistencyLevel.SESSION : level;
        return switch (effective) {
            case EVENTUALLY -> NONE;
            case BOUNDED -> new ReadGuarantee(true, Math.max(1, gracefulTimeMs), 0);
            case STRONG -> LOG_END;
            case SESSION -> session(guaranteeTs, nowMillis, consistencyWaitMs);
        };
    }

    private static ReadGuarantee session(long guaranteeTs, long nowMillis, long consistencyWaitMs) {
        if (guaranteeTs == 0 || guaranteeTs == 1) {
            return NONE;
        }
        long at = HybridClock.physicalMillis(guaranteeTs);
        long ahead = at - nowMillis;
        if (ahead > consistencyWaitMs) {
            throw MilvusException.invalidParameterAsIs("guarantee_timestamp " + guaranteeTs + " lies " + ahead
                    + " ms ahead of this node's clock, more than cluster.consistencyWaitMs (" + consistencyWaitMs
                    + " ms): a read cannot wait for writes that far ahead; send the timestamp of a write this client"
                    + " made (Session), or use another consistency level");
        }
        return new ReadGuarantee(true, 0, ahead > 0 ? at : 0);
    }
}
