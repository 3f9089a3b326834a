package dev.vectorvault.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.util.List;

/**
 * Where a loaded collection's replicas live: {@code root-coord/cluster/collection-replicas/<collectionId>}, written
 * by {@code LoadCollection} and removed by {@code ReleaseCollection}. The first replica is the collection's owner (it
 * writes the shards); every other one is a read-only follower on another node. JSON with a {@code formatVersion}
 * (1); a frozen v1 record is read by {@code ReplicaPlacementTest}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicaPlacement(
        @JsonProperty("formatVersion") int formatVersion,
        @JsonProperty("collectionId") long collectionId,
        @JsonProperty("replicas") List<Replica> replicas) {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One replica: its id (stable while the collection stays loaded) and the node serving it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Replica(@JsonProperty("replicaId") long replicaId, @JsonProperty("nodeId") long nodeId) {}

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
        if (placement.formatVersion() != VERSION || placement.replicas() == null) {
            throw new MilvusException(ErrorCode.UNEXPECTED, "replica placement record of format version "
                    + placement.formatVersion() + ": this server reads version " + VERSION);
        }
        return placement;
    }
}
