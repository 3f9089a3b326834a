package dev.vectorvault.cluster;

/**
 * Where a collection's data lives. In part 1 of cluster mode each collection's data has one owning node, recorded in
 * etcd; the embedded server owns everything. The first node that needs a collection's data and finds no owner
 * claims it.
 */
public interface CollectionPlacement {

    /** Every collection is local: the embedded server, or a cluster of one. */
    CollectionPlacement LOCAL = collectionId -> Placement.LOCAL;

    Placement placementOf(long collectionId);

    /** Local, owned by a live node at {@code internalAddress} ({@code host:port}), or owned by a node not live now. */
    record Placement(Kind kind, long ownerNodeId, String internalAddress) {
        public static final Placement LOCAL = new Placement(Kind.LOCAL, 0, "");

        public enum Kind { LOCAL, REMOTE, OWNER_NOT_LIVE }
    }
}
