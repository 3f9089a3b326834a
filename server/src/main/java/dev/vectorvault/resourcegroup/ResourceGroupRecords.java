package dev.vectorvault.resourcegroup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records resource groups keep in the metadata store, JSON with a {@code formatVersion} (1; frozen v1 records
 * are read by {@code ResourceGroupRecordsTest}): {@code resource-group/<name>} holds a group's configuration,
 * {@code resource-group-replica/<collectionId>} the group of each replica of a loaded collection, and
 * {@value #MEMBERSHIP_KEY} the nodes of every group (Milvus keeps them in each group's
 * {@code queryCoord-ResourceGroup/<name>} record; one record here, so one compare-and-swap guards a change to all).
 */
final class ResourceGroupRecords {
    static final int VERSION = 1;
    static final String GROUP_PREFIX = "resource-group/";
    static final String REPLICA_PREFIX = "resource-group-replica/";
    static final String MEMBERSHIP_KEY = "resource-group-nodes";
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record GroupRecord(@JsonProperty("formatVersion") int formatVersion, @JsonProperty("name") String name,
                       @JsonProperty("config") ResourceGroupConfig config) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReplicaRecord(@JsonProperty("formatVersion") int formatVersion,
                         @JsonProperty("collectionId") long collectionId,
                         @JsonProperty("replicaGroups") Map<Long, String> replicaGroups) {}

    /**
     * Which node belongs to which group, one record for all groups so that one compare-and-swap on it guards every
     * change: {@code revision} counts the writes, so a decider whose copy is older finds the guard changed.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MembershipRecord(@JsonProperty("formatVersion") int formatVersion, @JsonProperty("revision") long revision,
                            @JsonProperty("nodes") Map<String, List<Long>> nodes) {}

    private ResourceGroupRecords() {}

    static byte[] encodeGroup(String name, ResourceGroupConfig config) {
        return write(new GroupRecord(VERSION, name, config));
    }

    static GroupRecord decodeGroup(String key, byte[] value) {
        GroupRecord record = read(key, value, GroupRecord.class);
        check(key, record.formatVersion());
        if (record.name() == null || record.config() == null) {
            throw corrupt(key, "no name or config");
        }
        return record;
    }

    static byte[] encodeReplicas(long collectionId, Map<Long, String> replicaGroups) {
        return write(new ReplicaRecord(VERSION, collectionId, new TreeMap<>(replicaGroups)));
    }

    static ReplicaRecord decodeReplicas(String key, byte[] value) {
        ReplicaRecord record = read(key, value, ReplicaRecord.class);
        check(key, record.formatVersion());
        if (record.replicaGroups() == null) {
            throw corrupt(key, "no replica groups");
        }
        return record;
    }

    static byte[] encodeMembership(long revision, Map<String, List<Long>> nodes) {
        return write(new MembershipRecord(VERSION, revision, new TreeMap<>(nodes)));
    }

    static MembershipRecord decodeMembership(String key, byte[] value) {
        MembershipRecord record = read(key, value, MembershipRecord.class);
        check(key, record.formatVersion());
        if (record.nodes() == null) {
            throw corrupt(key, "no nodes");
        }
        return record;
    }

    private static byte[] write(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a resource group record", e);
        }
    }

    private static <T> T read(String key, byte[] value, Class<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (IOException e) {
            throw corrupt(key, e.getMessage());
        }
    }

    private static void check(String key, int version) {
        if (version != VERSION) {
            throw corrupt(key, "format version " + version + ", this server reads version " + VERSION
                    + "; was it written by a newer server?");
        }
    }

    private static MilvusException corrupt(String key, String why) {
        return new MilvusException(ErrorCode.STORAGE_CORRUPT, "unreadable resource group record " + key + ": " + why);
    }
}
