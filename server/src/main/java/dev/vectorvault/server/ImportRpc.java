package dev.vectorvault.server;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.ingest.ImportJob;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.ImportState;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListImportTasksRequest;
import io.milvus.grpc.ListImportTasksResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Import, GetImportState and ListImportTasks: Milvus 2.6 answers these v1 RPCs from its v2 import jobs, one job per
 * request, and so does this. The v1 states are the v2 ones folded: Pending, Started (PreImporting, Importing),
 * Completed, Failed; {@code infos} carry the progress, the failure's reason and the v2 details the REST routes show.
 */
final class ImportRpc {
    private final ImportJobs jobs;

    ImportRpc(ImportJobs jobs) {
        this.jobs = jobs;
    }

    /**
     * Milvus takes each file of a v1 request as its own group; a request of {@code .npy} files only is taken as one
     * NumPy group here (one file per field), the only way such a request can succeed.
     */
    ImportResponse importFiles(ImportRequest r) {
        List<String> files = r.getFilesList();
        boolean numpy = !files.isEmpty() && files.stream().allMatch(f -> ImportOptions.extension(f).equals(".npy"));
        List<List<String>> groups = numpy ? List.of(files) : files.stream().map(List::of).toList();
        Map<String, String> options = new LinkedHashMap<>();
        r.getOptionsList().forEach(kv -> options.put(kv.getKey(), kv.getValue()));
        ImportJob job = jobs.submit(CatalogRpc.db(r.getDbName()), r.getCollectionName(), r.getPartitionName(),
                groups, options);
        return ImportResponse.newBuilder().setStatus(StatusMapper.success()).addTasks(job.id()).build();
    }

    GetImportStateResponse state(GetImportStateRequest r) {
        ImportJob job = jobs.find(r.getTask()).orElseThrow(() -> new MilvusException(ErrorCode.IMPORT_FAILED,
                "import job does not exist, jobID=" + r.getTask()));
        return describe(job).build();
    }

    ListImportTasksResponse list(ListImportTasksRequest r) {
        ListImportTasksResponse.Builder out = ListImportTasksResponse.newBuilder().setStatus(StatusMapper.success());
        jobs.list(CatalogRpc.db(r.getDbName()), r.getCollectionName(), (int) Math.min(Integer.MAX_VALUE,
                Math.max(0, r.getLimit()))).forEach(job -> out.addTasks(describe(job)));
        return out.build();
    }

    private static GetImportStateResponse.Builder describe(ImportJob job) {
        GetImportStateResponse.Builder out = GetImportStateResponse.newBuilder().setStatus(StatusMapper.success())
                .setId(job.id()).setState(v1State(job.state())).setRowCount(job.importedRows())
                .setCollectionId(job.collectionId()).setCreateTs(job.createdMillis() / 1000);
        out.addInfos(info("collection", job.collection()));
        out.addInfos(info("partition", job.partition()));
        out.addInfos(info("files", String.join(",", job.files().stream().map(g -> String.join(",", g)).toList())));
        out.addInfos(info("progress_percent", Integer.toString(job.progress())));
        out.addInfos(info("state", job.state().reportedName()));
        out.addInfos(info("total_rows", Long.toString(job.totalRows())));
        if (job.finishedMillis() > 0) {
            out.addInfos(info("complete_time", java.time.Instant.ofEpochMilli(job.finishedMillis()).toString()));
        }
        if (job.state() == ImportJob.State.FAILED) {
            out.addInfos(info("failed_reason", job.reason()));
        }
        return out;
    }

    static ImportState v1State(ImportJob.State state) {
        return switch (state) {
            case PENDING -> ImportState.ImportPending;
            case PRE_IMPORTING, IMPORTING -> ImportState.ImportStarted;
            case COMPLETED -> ImportState.ImportCompleted;
            case FAILED -> ImportState.ImportFailed;
        };
    }

    private static KeyValuePair info(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }
}
