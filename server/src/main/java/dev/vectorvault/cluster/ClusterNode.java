package dev.vectorvault.cluster;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig.ClusterSettings;
import dev.vectorvault.storage.MetaStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server as one node of a cluster: its id (kept in its data folder, allocated from etcd's {@code session/id}
 * counter as Milvus does), its session under a lease of {@code common.session.ttl}, the mirrors it keeps current,
 * and the gate that refuses calls when it may be deciding on stale metadata.
 *
 * <p>The node serves only while (a) its last successful lease renewal was sent less than one TTL ago (etcd cannot
 * have ended the lease before that, so no change can have skipped this node), (b) it holds a lease it registered
 * under, and (c) every mirror reloaded after the last change it saw. A lost lease (expired while cut off, or revoked
 * by a node that waited too long for it) makes it re-register, reload everything and report the revision it read,
 * then serve again.
 *
 * <p>Lifecycle: {@link #join} before the mirrors are built (it yields the metadata store and the revision to load at),
 * {@link #mirror} for each of them, then {@link #start}.
 */
public final class ClusterNode implements ForwardingKey, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final String NODE_ID_FILE = "node-id";
    static final String FORWARDING_KEY = "cluster/forwarding-key";
    private static final String ID_COUNTER = "session/id";

    private final Coordination coordination;
    private final ClusterSettings settings;
    private final MetaStore metadata;
    private final long nodeId;
    private volatile String address = "";
    private volatile String internalAddress = "";
    private final LongSupplier nanos;
    private final Membership membership;
    private final MirrorSync mirrors;
    private final CollectionOwners owners;
    private final CollectionReplicas replicas;
    private final ChangeBarrier barrier;
    private final byte[] forwardingKey;
    private final long loadRevision;
    private final AtomicLong appliedRevision = new AtomicLong();
    private final ScheduledExecutorService background;
    private final Object ackLock = new Object();
    private volatile long leaseId;
    private volatile long servingUntilNanos;
    private volatile boolean registered;
    private volatile boolean closed;
    /** One warning per outage, not one per renewal attempt. */
    private boolean renewFailing;
    private long ackedRevision;
    private long ackedLease;

    private ClusterNode(Coordination coordination, ClusterSettings settings, long nodeId, LongSupplier nanos) {
        this.coordination = coordination;
        this.settings = settings;
        this.metadata = coordination.keys(MirrorSync.ROOT);
        this.nodeId = nodeId;
        this.nanos = nanos;
        this.membership = new Membership(coordination);
        this.mirrors = new MirrorSync(coordination, this::applied);
        this.owners = new CollectionOwners(coordination, metadata, membership, nodeId);
        this.replicas = new CollectionReplicas(metadata, membership, owners, nodeId);
        this.barrier = new ChangeBarrier(coordination, metadata, membership, nodeId,
                settings.changeAckTimeoutMs(), settings.sessionTtlSeconds(), nanos);
        this.forwardingKey = sharedForwardingKey(metadata);
        this.background = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "cluster-node-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        // Read before any mirror loads: the watch starts after it, so no change between load and watch is missed.
        metadata.get(FORWARDING_KEY);
        this.loadRevision = coordination.revision();
    }

    /**
     * Joins the cluster: allocates (first start) or reads this node's id from {@code dataDir}. Nothing is served
     * and no session exists until {@link #start}.
     */
    public static ClusterNode join(Coordination coordination, ClusterSettings settings, Path dataDir)
            throws IOException {
        long id = nodeId(coordination.keys(""), dataDir);
        return new ClusterNode(coordination, settings, id, System::nanoTime);
    }

    /** The metadata every mirror reads and writes: {@code <meta root>/root-coord/...}, as Milvus's keys. */
    public MetaStore metadata() {
        return metadata;
    }

    /** This node's own records (its data manifest), apart from every other node's. */
    public MetaStore nodeMetadata() {
        return coordination.keys(MirrorSync.ROOT + "datanode/" + nodeId + "/");
    }

    /**
     * The collections this node owns, read from etcd now: the ones whose shards it replays at start-up (opening a
     * shard for writing fences every other writer, so a node must never open another owner's shards).
     */
    public java.util.Set<Long> ownedCollections() {
        return owners.ownedHere();
    }

    /**
     * Lets this node take over the collections of a node whose session ended: {@code takenOver} opens one here from
     * shared storage (object storage, the etcd manifest, the shard log) before it is served; {@code lost} forgets one
     * another node took. Call before {@link #start}; without it a dead owner's collections answer status 2.
     */
    public void takeOverDeadOwners(java.util.function.LongConsumer takenOver, java.util.function.LongConsumer lost) {
        owners.handover(new CollectionOwners.Handover() {
            @Override
            public void takenOver(long collectionId) {
                takenOver.accept(collectionId);
            }

            @Override
            public void lost(long collectionId) {
                lost.accept(collectionId);
            }
        });
    }

    /** Where a collection's data manifest lives (relative to {@code root-coord/}), next to its owner record. */
    static final String MANIFEST_PREFIX = "cluster/collection-manifest/";

    /** The collection's data manifest record, written by its owner's checkpoints; empty before the first. */
    public java.util.Optional<byte[]> collectionManifest(long collectionId) {
        return metadata.get(MANIFEST_PREFIX + collectionId);
    }

    /**
     * Writes the collection's data manifest in one etcd transaction conditioned on the owner record still naming
     * this node, so a node that lost the collection (paused, cut off, taken over) cannot overwrite its successor's
     * manifest; returns whether it wrote.
     */
    public boolean writeCollectionManifest(long collectionId, byte[] record) {
        return coordination.putWhile(MirrorSync.ROOT + MANIFEST_PREFIX + collectionId, record,
                MirrorSync.ROOT + CollectionOwners.PREFIX + collectionId,
                Long.toString(nodeId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public long nodeId() {
        return nodeId;
    }

    /** The cluster's bulk import job records and their id counter ({@code vectorvault/import/}, beside the sessions). */
    public MetaStore importRecords() {
        return coordination.keys(IMPORT_PREFIX);
    }

    static final String IMPORT_PREFIX = "vectorvault/import/";

    /** The lease this node's session is registered under now (a new one after the node lost and renewed it). */
    public long sessionLease() {
        return leaseId;
    }

    /**
     * The lease of a node's session as etcd holds it now, read there rather than from the membership mirror (which
     * may not have seen a new node yet); empty when the node has no session (dead, or its lease ran out).
     */
    public java.util.OptionalLong sessionLeaseOf(long node) {
        return coordination.keys("").get(NodeSession.key(node)).flatMap(NodeSession::parse)
                .map(session -> java.util.OptionalLong.of(session.leaseId())).orElse(java.util.OptionalLong.empty());
    }

    /** Registers a mirror that reloads when keys under {@code root-coord/<prefix>} change. Before {@link #start}. */
    public void mirror(String prefix, Runnable reload) {
        mirrors.mirror(prefix, reload);
    }

    /**
     * Registers the session (clients reach this node at {@code address}, other nodes forward to
     * {@code internalAddress}, both {@code host:port}), starts following changes and renewing the lease.
     */
    public void start(String address, String internalAddress) {
        this.address = address;
        this.internalAddress = internalAddress;
        mirrors.mirror(CollectionOwners.PREFIX, () -> {
            owners.reload();
            replicas.refollow();
        });
        mirrors.mirror(CollectionReplicas.PREFIX, replicas::reload);
        owners.reload();
        replicas.reload();
        membership.start();
        register();
        mirrors.start(loadRevision);
        long period = Math.max(200, TimeUnit.SECONDS.toMillis(settings.sessionTtlSeconds()) / 3);
        background.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::repairReplicas, period, period, TimeUnit.MILLISECONDS);
        LOG.info("event=cluster_node_started node={} address={} internalAddress={} sessionTtlSeconds={}", nodeId,
                address, internalAddress, settings.sessionTtlSeconds());
    }

    /** Throws SERVICE_UNAVAILABLE unless this node may serve now (see the class comment). */
    public void checkServing() {
        if (!registered) {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "node " + nodeId
                    + " is (re)joining the cluster and has no etcd session yet; retry shortly");
        }
        if (nanos.getAsLong() - servingUntilNanos >= 0) {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "node " + nodeId
                    + " has not reached etcd within its session TTL (" + settings.sessionTtlSeconds()
                    + " s) and refuses calls rather than decide on possibly stale credentials or grants");
        }
        if (mirrors.stale()) {
            throw new MilvusException(ErrorCode.SERVICE_UNAVAILABLE, "node " + nodeId
                    + " cannot read the latest metadata from etcd and refuses calls until it has");
        }
    }

    public ChangeBarrier barrier() {
        return barrier;
    }

    /** The replica placement of loaded collections and the read routing it implies. */
    public CollectionReplicas replicas() {
        return replicas;
    }

    /**
     * Lets this node keep read-only copies of the collections it is a replica of but does not own: {@code followers}
     * is told when that set changes. Call before {@link #start}.
     */
    public void followReplicas(CollectionReplicas.Followers followers) {
        replicas.followers(followers);
    }

    /** Whether this node owns the collection, as its mirror of the owner records says now (claims nothing). */
    public boolean ownsHere(long collectionId) {
        return owners.ownerOf(collectionId).map(owner -> owner == nodeId).orElse(false);
    }

    /** The live nodes now: their ids and the client-facing addresses they registered. */
    public java.util.Map<Long, String> liveNodes() {
        java.util.Map<Long, String> out = new java.util.TreeMap<>();
        membership.liveNodes().forEach((id, session) -> out.put(id, session.address()));
        return out;
    }

    public CollectionPlacement placement() {
        return owners;
    }

    @Override
    public byte[] bytes() {
        return forwardingKey.clone();
    }

    // ------------------------------------------------------------------ lease and session

    private void register() {
        long sent = nanos.getAsLong();
        long lease = coordination.grantLease(settings.sessionTtlSeconds());
        MetaStore root = coordination.keys("");
        String key = NodeSession.key(nodeId);
        byte[] session = new NodeSession(nodeId, NodeSession.SERVER_NAME, address, internalAddress, lease,
                "2.6.0").toJson();
        if (!coordination.putIfAbsentWithLease(key, session, lease)) {
            // Our own previous run, killed before its lease ended: end that lease, then take the key.
            root.get(key).flatMap(NodeSession::parse).ifPresent(old -> coordination.revokeLease(old.leaseId()));
            if (!coordination.putIfAbsentWithLease(key, session, lease)) {
                coordination.revokeLease(lease);
                throw new MilvusException(ErrorCode.UNEXPECTED, "another process is registered as cluster node "
                        + nodeId + " (" + key + "); each node needs its own localStorage.path");
            }
        }
        leaseId = lease;
        servingUntilNanos = sent + TimeUnit.SECONDS.toNanos(settings.sessionTtlSeconds());
        registered = true;
        ack();
    }

    private void renew() {
        if (closed) {
            return;
        }
        try {
            long sent = nanos.getAsLong();
            long ttl = coordination.keepAliveOnce(leaseId);
            if (ttl > 0) {
                servingUntilNanos = sent + TimeUnit.SECONDS.toNanos(ttl);
                if (renewFailing) {
                    renewFailing = false;
                    LOG.info("event=session_renewed node={}: etcd reachable again", nodeId);
                }
                ack();
                return;
            }
            LOG.warn("event=session_lease_lost node={}: re-registering and reloading before serving again", nodeId);
            registered = false;
            long revision = syncRevision();
            mirrors.reloadAll();
            appliedRevision.accumulateAndGet(revision, Math::max);
            register();
            LOG.info("event=session_rejoined node={} revision={}", nodeId, revision);
        } catch (RuntimeException e) {
            if (!renewFailing) {
                renewFailing = true;
                LOG.warn("event=session_renew_failed node={} error=\"{}\": serving from cache until the session TTL"
                        + " runs out, then refusing calls", nodeId, e.getMessage());
            }
        }
    }

    /** A dead node's replicas move to live nodes (see {@link CollectionReplicas#repairDeadReplicas}). */
    private void repairReplicas() {
        if (closed || !registered) {
            return;
        }
        try {
            replicas.repairDeadReplicas();
        } catch (RuntimeException e) {
            LOG.debug("event=replica_repair_failed node={} error=\"{}\"", nodeId, e.getMessage());
        }
    }

    private long syncRevision() {
        metadata.get(FORWARDING_KEY);
        return coordination.revision();
    }

    private void applied(long revision) {
        appliedRevision.accumulateAndGet(revision, Math::max);
        if (registered) {
            background.execute(this::ack);
        }
    }

    /** Reports the newest applied revision under the current lease (coalesced: one write for many revisions). */
    private void ack() {
        synchronized (ackLock) {
            long revision = appliedRevision.get();
            long lease = leaseId;
            if (!registered || (revision == ackedRevision && lease == ackedLease)) {
                return;
            }
            try {
                coordination.putWithLease(Membership.APPLIED_PREFIX + nodeId,
                        Long.toString(revision).getBytes(StandardCharsets.US_ASCII), lease);
                ackedRevision = revision;
                ackedLease = lease;
            } catch (RuntimeException e) {
                LOG.debug("event=ack_failed node={} error=\"{}\"", nodeId, e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ identity

    private static long nodeId(MetaStore root, Path dataDir) throws IOException {
        Path file = dataDir.resolve(NODE_ID_FILE);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("unreadable cluster node id in " + file + ": '" + text + "'");
            }
        }
        long id = allocateId(root);
        Files.createDirectories(dataDir);
        Path temp = dataDir.resolve(NODE_ID_FILE + ".tmp");
        Files.writeString(temp, Long.toString(id), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** Milvus's counter: {@code session/id} holds the last id handed out; a compare-and-set takes the next. */
    private static long allocateId(MetaStore root) {
        while (true) {
            Optional<byte[]> current = root.get(ID_COUNTER);
            if (current.isEmpty()) {
                if (root.putIfAbsent(ID_COUNTER, "1".getBytes(StandardCharsets.US_ASCII))) {
                    return 1;
                }
                continue;
            }
            long last = Long.parseLong(new String(current.get(), StandardCharsets.US_ASCII).trim());
            byte[] next = Long.toString(last + 1).getBytes(StandardCharsets.US_ASCII);
            if (root.replace(ID_COUNTER, current.get(), next)) {
                return last + 1;
            }
        }
    }

    private static byte[] sharedForwardingKey(MetaStore metadata) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        metadata.putIfAbsent(FORWARDING_KEY, fresh);
        return metadata.get(FORWARDING_KEY).orElseThrow(() -> new MilvusException(ErrorCode.META_STORE_UNAVAILABLE,
                "the cluster's forwarding key vanished from etcd (" + FORWARDING_KEY + ")"));
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        mirrors.close();
        membership.close();
        try {
            coordination.revokeLease(leaseId);
        } catch (RuntimeException e) {
            LOG.warn("event=session_close_failed node={} error=\"{}\"", nodeId, e.getMessage());
        }
    }
}
