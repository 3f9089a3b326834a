package dev.vectorvault.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * A live node as it registers itself under {@code session/vectorvault-<id>}, with its lease: Milvus's session JSON
 * field names, so {@code etcdctl get --prefix by-dev/meta/session} reads the same for both.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeSession(
        @JsonProperty("ServerID") long nodeId,
        @JsonProperty("ServerName") String serverName,
        @JsonProperty("Address") String address,
        @JsonProperty("InternalAddress") String internalAddress,
        @JsonProperty("LeaseID") long leaseId,
        @JsonProperty("Version") String version) {

    static final String SERVER_NAME = "vectorvault";
    /** Relative to the meta root, as Milvus's {@code session/<role>-<id>}. */
    static final String PREFIX = "session/" + SERVER_NAME + "-";

    private static final ObjectMapper JSON = new ObjectMapper();

    static String key(long nodeId) {
        return PREFIX + nodeId;
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a session record", e);
        }
    }

    /** Empty for a value that is not a session of ours (another version's, or damaged): it counts as not live. */
    static Optional<NodeSession> parse(byte[] value) {
        try {
            return Optional.of(JSON.readValue(value, NodeSession.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
