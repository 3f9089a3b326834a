package dev.vectorvault.storage.data;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.storage.StorageException;
import java.io.IOException;
import java.util.List;

/**
 * The segment list of the last checkpoint and the log position it includes: what a start-up loads before replaying
 * the log. Stored as one JSON record in the metadata store under {@link #KEY}, with its format version in
 * {@code formatVersion}; a record without that field is version 1 (written before the field existed, same fields).
 * A version newer than {@link #FORMAT_VERSION} is refused rather than half-read.
 */
record DataManifest(long checkpointLsn, List<SegmentRef> segments) {
    /** The metadata key of the record. */
    static final String KEY = "data/manifest";
    /** The version written; 1: no version field, 2: {@code formatVersion} added, same fields otherwise. */
    static final int FORMAT_VERSION = 2;
    static final DataManifest EMPTY = new DataManifest(0, List.of());

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One sealed segment the manifest names. */
    record SegmentRef(long collectionId, long segmentId) {}

    /** The record as stored; versions 1 and 2 share it (version 1 simply lacks the version). */
    @JsonPropertyOrder({"formatVersion", "checkpointLsn", "segments"})
    private record Stored(Integer formatVersion, long checkpointLsn, List<SegmentRef> segments) {}

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(new Stored(FORMAT_VERSION, checkpointLsn, segments));
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
            // Versions 1 and 2 have the same fields: one reader serves both.
            Stored stored = JSON.readValue(bytes, Stored.class);
            if (stored.checkpointLsn() < 0 || stored.segments() == null || stored.segments().contains(null)) {
                throw StorageException.corrupt(KEY, StorageException.NO_OFFSET, "data manifest (format version "
                        + version + ") without a checkpoint position >= 0 or a list of segments");
            }
            return new DataManifest(stored.checkpointLsn(), List.copyOf(stored.segments()));
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
