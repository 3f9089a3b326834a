/**
 * Cluster mode (part 1): several server nodes share their metadata through etcd. A node registers a session under a
 * lease, keeps its in-memory mirrors (credentials, RBAC, catalog) current from etcd watches, acknowledges every
 * revision it has applied, and refuses calls once its lease may have expired. A metadata change returns only after
 * every live node has applied it ({@link dev.vectorvault.cluster.ChangeBarrier}). Each collection's data lives on one
 * owning node ({@link dev.vectorvault.cluster.CollectionPlacement}); the others forward its data calls there.
 *
 * <p>The domain owns the seam ({@link dev.vectorvault.cluster.Coordination}); jetcd types stay in
 * {@code cluster.etcd}.
 */
package dev.vectorvault.cluster;
