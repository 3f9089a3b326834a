package dev.vectorvault.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.resourcegroup.ResourceGroups;
import java.io.IOException;
import java.util.List;

/**
 * Where a loaded collection's replicas live: {@code root-coord/cluster/collection-replicas/<collectionId>}, written
 * by {@code LoadCollection} and removed by {@code ReleaseCollection}. The first replica is the collection's owner (it
 * writes the shards) when the owner is in that replica's resource group; every other one is a read-only follower on
 * another node of its own group. JSON with a {@code formatVersion}: 2 names each replica's resource group; version 1
 * (before groups) reads as every replica in the default group. A frozen v1 record is read by
 * {@code ReplicaPlacementTest}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicaPlacement(
        @JsonProperty("formatVersion") int formatVersion,
        @JsonProperty("collectionId") long collectionId,
        @JsonProperty("replicas") List<Replica> replicas) {

    static final int VERSION = 2;
    private static final int VERSION_BEFORE_GROUPS = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One replica: its id (stable while the collection stays loaded), the node serving it (a dead node's id until a
     * live node of the group replaces it) and its resource group.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Replica(@JsonProperty("replicaId") long replicaId, @JsonProperty("nodeId") long nodeId,
                          @JsonProperty("resourceGroup") String resourceGroup) {

        /** A replica of the default group. */
        public Replica(long replicaId, long nodeId) {
            this(replicaId, nodeId, ResourceGroups.DEFAULT_GROUP);
        }

        Replica on(long otherNode) {
            return new Replica(replicaId, otherNode, resourceGroup);
        }
    }

    public ReplicaPlacement {
        replicas = List.copyOf(replicas);
    }

    public ReplicaPlacement(long collectionId, List<Replica> replicas) {
        this(VERSION, collectionId, replicas);
    }

    /** Whether {@code nodeId} serves one of the replicas. */
    public boolean servedBy(long nodeId) {
        return replicas.stream().anyMatch(r -> r.nodeId() == nodeId);
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a replica placement", e);
        }
    }

    static ReplicaPlacement decode(byte[] value) {
        ReplicaPlacement placement;
        try {
            placement = JSON.readValue(value, ReplicaPlacement.class);
        } catch (IOException e) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "unreadable replica placement record: " + e.getMessage());
        }
        boolean known = placement.formatVersion() == VERSION || placement.formatVersion() == VERSION_BEFORE_GROUPS;
        if (!known || placement.replicas() == null) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "replica placement record of format version "
                    + placement.formatVersion() + ": this server reads versions " + VERSION_BEFORE_GROUPS + " and "
                    + VERSION);
        }
        if (placement.formatVersion() == VERSION_BEFORE_GROUPS) {
            return new ReplicaPlacement(placement.collectionId(), placement.replicas().stream()
                    .map(r -> new Replica(r.replicaId(), r.nodeId())).toList());
        }
        if (placement.replicas().stream().anyMatch(r -> r.resourceGroup() == null)) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "replica placement record of collection "
                    + placement.collectionId() + " names no resource group for a replica");
        }
        return placement;
    }
}
