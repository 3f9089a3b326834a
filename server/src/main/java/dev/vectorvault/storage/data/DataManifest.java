package dev.vectorvault.storage.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.util.List;

/**
 * The segment list of the last checkpoint and the log positions it includes: what a start-up loads before replaying
 * the log. Stored as one JSON record in the metadata store under {@link #KEY}, with its format version in
 * {@code formatVersion}; a record without that field is version 1 (written before the field existed, same fields).
 * A version newer than {@link #FORMAT_VERSION} is refused rather than half-read.
 *
 * <p>The local write-ahead log's position is {@code checkpointLsn}; a sharded log's ({@code mq.type: kafka}) are
 * {@code shardPositions}, one per shard, written in the same record so segments and positions change together.
 */
record DataManifest(long checkpointLsn, List<SegmentRef> segments, List<ShardPosition> shardPositions) {
    /** The metadata key of the record. */
    static final String KEY = "data/manifest";
    /**
     * The newest version read; 1: no version field, 2: {@code formatVersion} added, same fields otherwise,
     * 3: {@code shardPositions} added. A manifest without shard positions (the local log's) is still written as
     * version 2, byte for byte as before.
     */
    static final int FORMAT_VERSION = 3;
    /** The version of a manifest without shard positions. */
    static final int LOCAL_LOG_FORMAT_VERSION = 2;
    static final DataManifest EMPTY = new DataManifest(0, List.of());

    DataManifest {
        segments = List.copyOf(segments);
        shardPositions = List.copyOf(shardPositions);
    }

    DataManifest(long checkpointLsn, List<SegmentRef> segments) {
        this(checkpointLsn, segments, List.of());
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One sealed segment the manifest names. */
    record SegmentRef(long collectionId, long segmentId) {}

    /**
     * Where a checkpoint left one shard: replay resumes there; every record before it is in the sealed segments.
     *
     * @param shard the shard's number within the collection
     */
    record ShardPosition(long collectionId, int shard, long position) {}

    /**
     * The record as stored; versions 1 to 3 share it (version 1 lacks the version, versions 1 and 2 the shard
     * positions, which are left out when empty).
     */
    @JsonPropertyOrder({"formatVersion", "checkpointLsn", "segments", "shardPositions"})
    private record Stored(Integer formatVersion, long checkpointLsn, List<SegmentRef> segments,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ShardPosition> shardPositions) {}

    byte[] encode() {
        try {
            int version = shardPositions.isEmpty() ? LOCAL_LOG_FORMAT_VERSION : FORMAT_VERSION;
            return JSON.writeValueAsBytes(new Stored(version, checkpointLsn, segments, shardPositions));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the data manifest", e);
        }
    }

    /**
     * Reads a stored record of any version this code knows.
     *
     * @throws StorageException {@code STORAGE_CORRUPT} naming the record (and the byte offset where known) when it is
     *                          unreadable, incomplete, or of a format version newer than this server reads
     */
    static DataManifest decode(byte[] bytes) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest is not a JSON object");
            }
            int version = formatVersion(tree.get("formatVersion"));
            // Versions 1 to 3 differ only by fields added: one reader serves all.
            Stored stored = JSON.readValue(bytes, Stored.class);
            if (stored.checkpointLsn() < 0 || stored.segments() == null || stored.segments().contains(null)) {
                throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest (format version "
                        + version + ") without a checkpoint position >= 0 or a list of segments");
            }
            List<ShardPosition> positions = stored.shardPositions() == null ? List.of() : stored.shardPositions();
            if (positions.stream().anyMatch(p -> p == null || p.shard() < 0 || p.position() < 0)) {
                throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest (format version "
                        + version + ") with a shard position that is not a shard >= 0 at a position >= 0");
            }
            return new DataManifest(stored.checkpointLsn(), stored.segments(), positions);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? StorageException.NO_OFFSET : e.getLocation().getByteOffset();
            throw StorageException.corrupt(KEY, offset, "unreadable data manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "unreadable data manifest: " + e);
        }
    }

    private static int formatVersion(JsonNode field) {
        if (field == null || field.isNull()) {
            return 1;
        }
        if (!field.canConvertToExactIntegral() || !field.canConvertToInt() || field.asInt() < 1) {
            throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest with format version "
                    + field + ", not a version number");
        }
        int version = field.asInt();
        if (version > FORMAT_VERSION) {
            throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest of format version "
                    + version + ", newer than this server reads (up to " + FORMAT_VERSION + "); was the data folder"
                    + " written by a newer release?");
        }
        return version;
    }
}
