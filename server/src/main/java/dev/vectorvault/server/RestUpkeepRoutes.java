package dev.vectorvault.server;

import static dev.vectorvault.server.RestApi.check;
import static dev.vectorvault.server.RestApi.object;
import static dev.vectorvault.server.RestRoutes.done;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.vectorvault.common.ErrorCode;
import io.milvus.grpc.AnalyzerResult;
import io.milvus.grpc.AnalyzerToken;
import io.milvus.grpc.GetCompactionStateRequest;
import io.milvus.grpc.GetCompactionStateResponse;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.ManualCompactionRequest;
import io.milvus.grpc.ManualCompactionResponse;
import io.milvus.grpc.RunAnalyzerRequest;
import io.milvus.grpc.RunAnalyzerResponse;
import io.milvus.grpc.TruncateCollectionRequest;
import io.milvus.grpc.TruncateCollectionResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * REST v2 routes for a collection's upkeep and for trying an analyzer: {@code collections/compact},
 * {@code collections/get_compaction_state}, {@code collections/refresh_load}, {@code collections/truncate} and
 * {@code common/run_analyzer}. Each is the gRPC call Milvus 2.6's handler makes (ManualCompaction, GetCompactionState,
 * LoadCollection with refresh, TruncateCollection, RunAnalyzer), answered with the same {@code data} shapes.
 */
final class RestUpkeepRoutes {
    private RestUpkeepRoutes() {}

    static void register(Map<String, RestApi.Route> routes) {
        routes.put("collections/compact", call -> {
            // isClustering is Milvus's majorCompaction: the gRPC call refuses it here (no clustering key).
            ManualCompactionResponse r = call.rpc().manualCompaction(ManualCompactionRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.required("collectionName"))
                    .setMajorCompaction(call.bool("isClustering", false)).build());
            check(r.getStatus());
            return object().put("compactionID", r.getCompactionID());
        });
        routes.put("collections/get_compaction_state", call -> {
            long id = compactionId(call);
            GetCompactionStateResponse r = call.rpc().getCompactionState(GetCompactionStateRequest.newBuilder()
                    .setCompactionID(id).build());
            check(r.getStatus());
            return object().put("compactionID", id).put("state", r.getState().name())
                    .put("executingPlanNumber", r.getExecutingPlanNo())
                    .put("timeoutPlanNumber", r.getTimeoutPlanNo())
                    .put("completedPlanNumber", r.getCompletedPlanNo());
        });
        routes.put("collections/refresh_load", call -> done(call.rpc().loadCollection(LoadCollectionRequest
                .newBuilder().setDbName(call.db()).setCollectionName(call.required("collectionName"))
                .setRefresh(true).build())));
        routes.put("collections/truncate", call -> {
            TruncateCollectionResponse r = call.rpc().truncateCollection(TruncateCollectionRequest.newBuilder()
                    .setDbName(call.db()).setCollectionName(call.required("collectionName")).build());
            check(r.getStatus());
            return object();
        });
        routes.put("common/run_analyzer", RestUpkeepRoutes::runAnalyzer);
    }

    /**
     * Milvus reads {@code jobID}; the Node SDK 2.6.17 sends {@code compactionID}. Either names the job (both must
     * agree); neither is refused rather than asking about job 0.
     */
    private static long compactionId(RestApi.Call call) {
        long jobId = call.integer("jobID", Long.MIN_VALUE);
        long compactionId = call.integer("compactionID", Long.MIN_VALUE);
        if (jobId == Long.MIN_VALUE && compactionId == Long.MIN_VALUE) {
            throw RestFailure.missing("jobID");
        }
        if (jobId != Long.MIN_VALUE && compactionId != Long.MIN_VALUE && jobId != compactionId) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "jobID " + jobId + " and compactionID "
                    + compactionId + " name different compactions");
        }
        return jobId != Long.MIN_VALUE ? jobId : compactionId;
    }

    private static JsonNode runAnalyzer(RestApi.Call call) {
        if (!call.body.hasNonNull("text")) {
            throw RestFailure.missing("text");
        }
        boolean detail = call.bool("withDetail", false);
        boolean hash = call.bool("withHash", false);
        RunAnalyzerRequest.Builder request = RunAnalyzerRequest.newBuilder().setDbName(call.db())
                .setAnalyzerParams(analyzerParams(call.body.get("analyzerParams")))
                .setWithDetail(detail).setWithHash(hash)
                .setCollectionName(call.text("collectionName", "")).setFieldName(call.text("fieldName", ""))
                .addAllAnalyzerNames(call.strings("analyzerNames"));
        call.strings("text").forEach(t -> request.addPlaceholder(ByteString.copyFrom(t, StandardCharsets.UTF_8)));
        RunAnalyzerResponse r = call.rpc().runAnalyzer(request.build());
        check(r.getStatus());
        ObjectNode data = object();
        ArrayNode results = data.putArray("results");
        for (AnalyzerResult result : r.getResultsList()) {
            ArrayNode tokens = results.addObject().putArray("tokens");
            for (AnalyzerToken token : result.getTokensList()) {
                ObjectNode out = tokens.addObject().put("token", token.getToken());
                if (detail) {
                    out.put("startOffset", token.getStartOffset()).put("endOffset", token.getEndOffset())
                            .put("position", token.getPosition()).put("positionLength", token.getPositionLength());
                }
                if (hash) {
                    out.put("hash", Integer.toUnsignedLong(token.getHash()));
                }
            }
        }
        return data;
    }

    /** Milvus takes the analyzer parameters as JSON text; an object is accepted too and written as that text. */
    private static String analyzerParams(JsonNode params) {
        if (params == null || params.isNull()) {
            return "";
        }
        if (params.isTextual()) {
            return params.textValue();
        }
        if (params.isObject()) {
            return RestApi.toJson(params);
        }
        throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "analyzerParams must be JSON text or an object");
    }
}
