package dev.vectorvault.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import java.io.IOException;
import java.util.List;

/**
 * The record of one import job in the metadata store shared by the nodes of a cluster: JSON with a
 * {@code formatVersion} (1; a frozen v1 record is read by {@code ImportJobRecordsTest}). Besides what the import
 * RPCs report it names the node running the job and the lease of that node's session, so that any node can tell a
 * job whose node has gone.
 */
final class ImportJobRecords {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A job and where it runs: {@code node} (cluster node id) under its session lease {@code lease}. */
    record Entry(ImportJob job, long node, long lease) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Record(@JsonProperty("formatVersion") int formatVersion, @JsonProperty("id") long id,
                  @JsonProperty("database") String database, @JsonProperty("collection") String collection,
                  @JsonProperty("collectionId") long collectionId, @JsonProperty("partition") String partition,
                  @JsonProperty("files") List<List<String>> files, @JsonProperty("createdMillis") long createdMillis,
                  @JsonProperty("state") String state, @JsonProperty("totalRows") long totalRows,
                  @JsonProperty("importedRows") long importedRows, @JsonProperty("progress") int progress,
                  @JsonProperty("reason") String reason, @JsonProperty("finishedMillis") long finishedMillis,
                  @JsonProperty("node") long node, @JsonProperty("lease") long lease) {}

    private ImportJobRecords() {}

    static byte[] encode(ImportJob job, long node, long lease) {
        try {
            return JSON.writeValueAsBytes(new Record(VERSION, job.id(), job.database(), job.collection(),
                    job.collectionId(), job.partition(), job.files(), job.createdMillis(), job.state().milvusName(),
                    job.totalRows(), job.importedRows(), job.progress(), job.reason(), job.finishedMillis(), node,
                    lease));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an import job record", e);
        }
    }

    static Entry decode(String key, byte[] value) {
        Record r;
        try {
            r = JSON.readValue(value, Record.class);
        } catch (IOException e) {
            throw corrupt(key, e.getMessage());
        }
        if (r.formatVersion() != VERSION) {
            throw corrupt(key, "format version " + r.formatVersion() + ", this server reads version " + VERSION
                    + "; was it written by a newer server?");
        }
        if (r.database() == null || r.collection() == null || r.files() == null || r.state() == null) {
            throw corrupt(key, "no database, collection, files or state");
        }
        ImportJob.State state;
        try {
            state = ImportJob.State.ofMilvusName(r.state());
        } catch (IllegalArgumentException e) {
            throw corrupt(key, e.getMessage());
        }
        ImportJob job = ImportJob.recorded(r.id(), r.database(), r.collection(), r.collectionId(),
                r.partition() == null ? "" : r.partition(), r.files(), r.createdMillis(), state, r.totalRows(),
                r.importedRows(), r.progress(), r.reason() == null ? "" : r.reason(), r.finishedMillis());
        return new Entry(job, r.node(), r.lease());
    }

    private static MilvusException corrupt(String key, String why) {
        return new MilvusException(ErrorCode.STORAGE_CORRUPT, "unreadable import job record " + key + ": " + why);
    }
}
