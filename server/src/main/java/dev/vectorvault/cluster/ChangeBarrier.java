package dev.vectorvault.cluster;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a metadata change hold on every node before the call that made it returns (stronger than Milvus, whose
 * proxies may accept an old password until a cache push lands).
 *
 * <p>After the call's writes, the barrier writes a fence key under {@code root-coord/}. Every node applies the
 * changes it watches in revision order and then reports the revision it reached, so a node that reports the fence's
 * revision has applied the call's writes too. The barrier waits until every live node has. A node that holds its lease
 * but does not report within {@code cluster.changeAckTimeoutMs} has its lease revoked: it refuses calls once its
 * last renewal's TTL has run out, so the barrier waits that TTL too, or until the node has rejoined and caught up.
 * A node whose lease has already ended is not waited for: it stopped serving before its lease ended at etcd.
 */
public final class ChangeBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeBarrier.class);
    static final String FENCE_KEY = "cluster/fence";
    /** Allowance for clocks that run at slightly different rates on two machines. */
    private static final double CLOCK_RATE_MARGIN = 1.05;

    private final Coordination coordination;
    private final MetaStore metadata;
    private final Membership membership;
    private final long selfId;
    private final long ackTimeoutNanos;
    private final long leaseTtlNanos;
    private final LongSupplier nanos;

    ChangeBarrier(Coordination coordination, MetaStore metadata, Membership membership, long selfId,
                  long ackTimeoutMs, int leaseTtlSeconds, LongSupplier nanos) {
        this.coordination = coordination;
        this.metadata = metadata;
        this.membership = membership;
        this.selfId = selfId;
        this.ackTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        this.leaseTtlNanos = (long) (TimeUnit.SECONDS.toNanos(leaseTtlSeconds) * CLOCK_RATE_MARGIN);
        this.nanos = nanos;
    }

    /** Returns once every live node has applied everything this node wrote before the call. */
    public void awaitEverywhere() {
        long fence = writeFence();
        long start = nanos.getAsLong();
        Map<Long, Long> revokedUntil = new HashMap<>();
        synchronized (membership.monitor()) {
            while (true) {
                long now = nanos.getAsLong();
                boolean waiting = false;
                for (NodeSession node : membership.liveNodes().values()) {
                    if (membership.applied(node.nodeId()) >= fence) {
                        continue;
                    }
                    waiting = true;
                    if (now - start >= ackTimeoutNanos && !revokedUntil.containsKey(node.nodeId())) {
                        LOG.warn("event=node_lease_revoked node={} address={} reason=\"has not applied revision {}"
                                        + " within {} ms\" revokedBy={}", node.nodeId(), node.address(), fence,
                                TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos), selfId);
                        coordination.revokeLease(node.leaseId());
                        revokedUntil.put(node.nodeId(), now + leaseTtlNanos);
                    }
                }
                revokedUntil.entrySet().removeIf(e -> now >= e.getValue()
                        || membership.applied(e.getKey()) >= fence);
                if (!waiting && revokedUntil.isEmpty()) {
                    return;
                }
                try {
                    membership.monitor().wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "interrupted while waiting for every"
                            + " node to apply the change; it is stored and takes effect as nodes catch up");
                }
            }
        }
    }

    /** The revision of a write every node watches, after the call's own writes. */
    private long writeFence() {
        boolean tracked = WrittenRevision.current() > 0;
        if (!tracked) {
            WrittenRevision.begin();
        }
        try {
            metadata.put(FENCE_KEY, Long.toString(selfId).getBytes(StandardCharsets.US_ASCII));
            return WrittenRevision.current();
        } finally {
            if (!tracked) {
                WrittenRevision.end();
            }
        }
    }
}
