package dev.vectorvault.resourcegroup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two records resource groups keep in the metadata store, JSON with a {@code formatVersion} (1; frozen v1 records
 * are read by {@code ResourceGroupRecordsTest}): {@code resource-group/<name>} holds a group's configuration, and
 * {@code resource-group-replica/<collectionId>} the group of each replica of a loaded collection.
 */
final class ResourceGroupRecords {
    static final int VERSION = 1;
    static final String GROUP_PREFIX = "resource-group/";
    static final String REPLICA_PREFIX = "resource-group-replica/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record GroupRecord(@JsonProperty("formatVersion") int formatVersion, @JsonProperty("name") String name,
                       @JsonProperty("config") ResourceGroupConfig config) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReplicaRecord(@JsonProperty("formatVersion") int formatVersion,
                         @JsonProperty("collectionId") long collectionId,
                         @JsonProperty("replicaGroups") Map<Long, String> replicaGroups) {}

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
