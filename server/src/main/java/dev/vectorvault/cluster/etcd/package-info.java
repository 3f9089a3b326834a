/**
 * The etcd side of cluster mode, on jetcd: {@link dev.vectorvault.cluster.etcd.EtcdConnection} builds the client from
 * the {@code etcd.*} keys and checks it can reach etcd; {@link dev.vectorvault.cluster.etcd.EtcdCoordination}
 * implements {@link dev.vectorvault.cluster.Coordination} on it. No jetcd type leaves this package (ArchitectureTest).
 */
package dev.vectorvault.cluster.etcd;
