package dev.vectorvault.server;

import static dev.vectorvault.server.RestApi.array;
import static dev.vectorvault.server.RestApi.check;
import static dev.vectorvault.server.RestApi.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.ErrorCode;
import io.milvus.grpc.CreateResourceGroupRequest;
import io.milvus.grpc.DescribeResourceGroupRequest;
import io.milvus.grpc.DescribeResourceGroupResponse;
import io.milvus.grpc.DropResourceGroupRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListResourceGroupsRequest;
import io.milvus.grpc.ListResourceGroupsResponse;
import io.milvus.grpc.NodeInfo;
import io.milvus.grpc.ResourceGroup;
import io.milvus.grpc.ResourceGroupConfig;
import io.milvus.grpc.ResourceGroupLimit;
import io.milvus.grpc.ResourceGroupNodeFilter;
import io.milvus.grpc.ResourceGroupTransfer;
import io.milvus.grpc.Status;
import io.milvus.grpc.TransferReplicaRequest;
import io.milvus.grpc.UpdateResourceGroupsRequest;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * REST v2 {@code resource_groups/create|drop|alter|describe|list|transfer_replica} (Milvus 2.6's
 * {@code resource_group_handler_v2}): each becomes the gRPC resource-group call it stands for, so the same checks and
 * privileges apply. Bodies as Milvus's: {@code name} and {@code config} ({@code requests}/{@code limits} with
 * {@code node_num}, {@code transfer_from}/{@code transfer_to} lists of {@code resource_group}, {@code node_filter}
 * with a {@code node_labels} object); alter takes {@code resource_groups}, a name-to-config object; transfer_replica
 * takes {@code sourceRgName}, {@code targetRgName}, {@code collectionName} and {@code replicaNum}. Describe answers
 * {@code resource_group} beside the envelope's code (not in {@code data}, as Milvus), with the protobuf message's field
 * names, zero and empty fields left out as Go's JSON encoder does.
 */
final class RestResourceGroupRoutes {
    private RestResourceGroupRoutes() {}

    static void register(Map<String, RestApi.Route> routes) {
        routes.put("resource_groups/create", call -> {
            CreateResourceGroupRequest.Builder request = CreateResourceGroupRequest.newBuilder()
                    .setResourceGroup(call.required("name"));
            JsonNode config = call.body.get("config");
            if (config != null && !config.isNull()) {
                request.setConfig(config(config, "config."));
            }
            return done(call.rpc().createResourceGroup(request.build()));
        });
        routes.put("resource_groups/drop", call -> done(call.rpc().dropResourceGroup(
                DropResourceGroupRequest.newBuilder().setResourceGroup(call.required("name")).build())));
        routes.put("resource_groups/alter", call -> {
            JsonNode groups = call.body.get("resource_groups");
            if (groups == null || groups.isNull()) {
                throw RestFailure.missing("resource_groups");
            }
            if (!groups.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, "resource_groups must be an object of configs");
            }
            UpdateResourceGroupsRequest.Builder request = UpdateResourceGroupsRequest.newBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = groups.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> group = it.next();
                request.putResourceGroups(group.getKey(), config(group.getValue(),
                        "resource_groups." + group.getKey() + "."));
            }
            return done(call.rpc().updateResourceGroups(request.build()));
        });
        routes.put("resource_groups/describe", call -> {
            DescribeResourceGroupResponse r = call.rpc().describeResourceGroup(DescribeResourceGroupRequest
                    .newBuilder().setResourceGroup(call.required("name")).build());
            check(r.getStatus());
            // Milvus answers {"resource_group": ...} beside the code, not inside data.
            call.extra.set("resource_group", group(r.getResourceGroup()));
            return object();
        });
        routes.put("resource_groups/list", call -> {
            ListResourceGroupsResponse r = call.rpc().listResourceGroups(ListResourceGroupsRequest
                    .getDefaultInstance());
            check(r.getStatus());
            ArrayNode names = array();
            r.getResourceGroupsList().forEach(names::add);
            return names;
        });
        routes.put("resource_groups/transfer_replica", call -> {
            long replicas = call.integer("replicaNum", 0);
            if (replicas == 0) {
                throw RestFailure.missing("replicaNum");
            }
            return done(call.rpc().transferReplica(TransferReplicaRequest.newBuilder().setDbName(call.db())
                    .setSourceResourceGroup(call.required("sourceRgName"))
                    .setTargetResourceGroup(call.required("targetRgName"))
                    .setCollectionName(call.required("collectionName")).setNumReplica(replicas).build()));
        });
    }

    /** A Milvus REST config; {@code requests} and {@code limits} are required, as Milvus's binding requires them. */
    private static ResourceGroupConfig config(JsonNode node, String where) {
        if (!node.isObject()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + " must be an object");
        }
        ResourceGroupConfig.Builder config = ResourceGroupConfig.newBuilder()
                .setRequests(limit(node, where, "requests")).setLimits(limit(node, where, "limits"));
        transfers(node, where, "transfer_from").forEach(config::addTransferFrom);
        transfers(node, where, "transfer_to").forEach(config::addTransferTo);
        JsonNode filter = node.get("node_filter");
        if (filter != null && !filter.isNull()) {
            JsonNode labels = filter.get("node_labels");
            if (labels == null || !labels.isObject()) {
                throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + "node_filter.node_labels must be an object");
            }
            ResourceGroupNodeFilter.Builder out = ResourceGroupNodeFilter.newBuilder();
            Map<String, String> sorted = new TreeMap<>();
            labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), RestApi.text(labels,
                    where + "node_filter.node_labels.", e.getKey(), "")));
            sorted.forEach((k, v) -> out.addNodeLabels(KeyValuePair.newBuilder().setKey(k).setValue(v)));
            config.setNodeFilter(out);
        }
        return config.build();
    }

    private static ResourceGroupLimit limit(JsonNode config, String where, String key) {
        JsonNode limit = config.get(key);
        if (limit == null || limit.isNull()) {
            throw RestFailure.missing(where + key);
        }
        long nodes = RestApi.integer(limit, where + key + ".", "node_num", Long.MIN_VALUE);
        if (nodes == Long.MIN_VALUE) {
            throw RestFailure.missing(where + key + ".node_num");
        }
        if (nodes < Integer.MIN_VALUE || nodes > Integer.MAX_VALUE) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + key + ".node_num must be an int32");
        }
        return ResourceGroupLimit.newBuilder().setNodeNum((int) nodes).build();
    }

    private static java.util.List<ResourceGroupTransfer> transfers(JsonNode config, String where, String key) {
        JsonNode list = config.get(key);
        java.util.List<ResourceGroupTransfer> out = new java.util.ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw RestFailure.of(ErrorCode.PARAMETER_INVALID, where + key + " must be a list");
        }
        for (JsonNode transfer : list) {
            String group = RestApi.text(transfer, where + key + "[].", "resource_group", "");
            if (group.isEmpty()) {
                throw RestFailure.missing(where + key + "[].resource_group");
            }
            out.add(ResourceGroupTransfer.newBuilder().setResourceGroup(group).build());
        }
        return out;
    }

    /** The protobuf message as Go's JSON encoder writes it (its field names; zero values and empty maps left out). */
    private static ObjectNode group(ResourceGroup group) {
        ObjectNode out = object().put("name", group.getName());
        if (group.getCapacity() != 0) {
            out.put("capacity", group.getCapacity());
        }
        if (group.getNumAvailableNode() != 0) {
            out.put("num_available_node", group.getNumAvailableNode());
        }
        counts(out, "num_loaded_replica", group.getNumLoadedReplicaMap());
        counts(out, "num_outgoing_node", group.getNumOutgoingNodeMap());
        counts(out, "num_incoming_node", group.getNumIncomingNodeMap());
        ObjectNode config = out.putObject("config");
        ResourceGroupConfig c = group.getConfig();
        nodeNum(config.putObject("requests"), c.getRequests().getNodeNum());
        nodeNum(config.putObject("limits"), c.getLimits().getNodeNum());
        transfersOut(config, "transfer_from", c.getTransferFromList());
        transfersOut(config, "transfer_to", c.getTransferToList());
        ObjectNode filter = config.putObject("node_filter");
        if (c.getNodeFilter().getNodeLabelsCount() > 0) {
            ArrayNode labels = filter.putArray("node_labels");
            c.getNodeFilter().getNodeLabelsList().forEach(p -> labels.addObject().put("key", p.getKey())
                    .put("value", p.getValue()));
        }
        if (group.getNodesCount() > 0) {
            ArrayNode nodes = out.putArray("nodes");
            for (NodeInfo node : group.getNodesList()) {
                nodes.addObject().put("node_id", node.getNodeId()).put("address", node.getAddress())
                        .put("hostname", node.getHostname());
            }
        }
        return out;
    }

    private static void nodeNum(ObjectNode limit, int nodes) {
        if (nodes != 0) {
            limit.put("node_num", nodes);
        }
    }

    private static void counts(ObjectNode out, String key, Map<String, Integer> counts) {
        if (!counts.isEmpty()) {
            ObjectNode map = out.putObject(key);
            new TreeMap<>(counts).forEach(map::put);
        }
    }

    private static void transfersOut(ObjectNode config, String key, java.util.List<ResourceGroupTransfer> transfers) {
        if (!transfers.isEmpty()) {
            ArrayNode list = config.putArray(key);
            transfers.forEach(t -> list.addObject().put("resource_group", t.getResourceGroup()));
        }
    }

    private static JsonNode done(Status status) {
        check(status);
        return object();
    }
}
