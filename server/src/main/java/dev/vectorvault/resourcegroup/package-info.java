/**
 * Resource groups as Milvus's query coordinator keeps them: named groups with a node-count configuration, stored in
 * the metadata store (etcd in cluster mode), the live nodes each group holds now, and the group of every loaded
 * replica. Knows no gRPC type; {@code server.ResourceGroupRpc} maps the wire to it.
 */
package dev.vectorvault.resourcegroup;
