package dev.vectorvault.server;

import static dev.vectorvault.server.RestApi.array;
import static dev.vectorvault.server.RestApi.check;
import static dev.vectorvault.server.RestApi.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.GetImportStateRequest;
import io.milvus.grpc.GetImportStateResponse;
import io.milvus.grpc.ImportRequest;
import io.milvus.grpc.ImportResponse;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListImportTasksRequest;
import io.milvus.grpc.ListImportTasksResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * REST v2 {@code jobs/import/create|list|get_progress|describe}: each goes through the gRPC Import RPCs (so the same
 * checks and privilege apply) and answers with Milvus's job JSON: {@code jobId} as a string, the v2 state names
 * as Milvus reports them (Pending, Importing, which includes PreImporting, Completed, Failed), progress in percent
 * on Milvus's scale, imported and total rows, the reason.
 */
final class RestImportRoutes {
    private RestImportRoutes() {}

    static void register(Map<String, RestApi.Route> routes) {
        routes.put("jobs/import/create", RestImportRoutes::create);
        routes.put("jobs/import/list", call -> {
            ListImportTasksResponse r = call.rpc().listImportTasks(ListImportTasksRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.text("collectionName", "")).build());
            check(r.getStatus());
            var records = array();
            r.getTasksList().forEach(task -> records.add(object().put("collectionName", info(task, "collection"))
                    .put("jobId", Long.toString(task.getId())).put("state", info(task, "state"))
                    .put("progress", Long.parseLong(info(task, "progress_percent")))));
            ObjectNode data = object();
            data.set("records", records);
            return data;
        });
        routes.put("jobs/import/get_progress", RestImportRoutes::progress);
        routes.put("jobs/import/describe", RestImportRoutes::progress);
    }

    /**
     * Milvus's {@code files} is a list of groups ({@code [["a.json"], ["id.npy", "v.npy"]]}). The gRPC request
     * carries a flat list, read as one group per file, or one NumPy group when every file is {@code .npy}; so a
     * request mixing several NumPy groups is refused rather than regrouped.
     */
    private static JsonNode create(RestApi.Call call) {
        JsonNode files = call.body.get("files");
        if (files == null || !files.isArray() || files.isEmpty()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "files must be a non-empty list of file lists");
        }
        List<String> flat = new ArrayList<>();
        boolean numpyGroup = false;
        for (JsonNode group : files) {
            if (!group.isArray() || group.isEmpty()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "each entry of files must be a non-empty list");
            }
            for (JsonNode file : group) {
                if (!file.isTextual()) {
                    throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "files must hold file names (strings)");
                }
                flat.add(file.textValue());
            }
            numpyGroup |= group.size() > 1 || ImportOptions.extension(group.get(0).textValue()).equals(".npy");
            if (group.size() > 1) {
                // flattened below, several JSON, CSV or Parquet files would silently become several groups
                List<String> names = new ArrayList<>();
                group.forEach(file -> names.add(file.textValue()));
                try {
                    ImportOptions.checkGroup(names);
                } catch (MilvusException e) {
                    throw RestFailure.of(e.errorCode(), e.getMessage());
                }
            }
        }
        if (numpyGroup && files.size() > 1) {
            throw RestFailure.of(ErrorCode.IMPORT_FAILED, "a request with a NumPy file group must hold only that"
                    + " group here; send one request per NumPy group");
        }
        ImportRequest.Builder request = ImportRequest.newBuilder().setDbName(call.db())
                .setCollectionName(call.required("collectionName"))
                .setPartitionName(call.text("partitionName", "")).addAllFiles(flat);
        JsonNode options = call.body.get("options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "options must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> option = it.next();
                request.addOptions(KeyValuePair.newBuilder().setKey(option.getKey())
                        .setValue(option.getValue().isTextual() ? option.getValue().textValue()
                                : option.getValue().toString()));
            }
        }
        ImportResponse r = call.rpc().import_(request.build());
        check(r.getStatus());
        return object().put("jobId", Long.toString(r.getTasks(0)));
    }

    private static JsonNode progress(RestApi.Call call) {
        String jobId = call.required("jobId");
        long id;
        try {
            id = Long.parseLong(jobId.trim());
        } catch (NumberFormatException e) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "jobId must be a job id, got '" + jobId + "'");
        }
        GetImportStateResponse r = call.rpc().getImportState(GetImportStateRequest.newBuilder().setTask(id).build());
        check(r.getStatus());
        return object().put("jobId", jobId).put("collectionName", info(r, "collection"))
                .put("state", info(r, "state")).put("progress", Long.parseLong(info(r, "progress_percent")))
                .put("importedRows", r.getRowCount()).put("totalRows", Long.parseLong(info(r, "total_rows")))
                .put("reason", info(r, "failed_reason")).put("completeTime", info(r, "complete_time"));
    }

    private static String info(GetImportStateResponse task, String key) {
        return task.getInfosList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValuePair::getValue)
                .findFirst().orElse("");
    }
}
