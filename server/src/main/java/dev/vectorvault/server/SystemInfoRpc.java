package dev.vectorvault.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import io.milvus.grpc.ComponentInfo;
import io.milvus.grpc.ComponentStates;
import io.milvus.grpc.GetMetricsRequest;
import io.milvus.grpc.GetMetricsResponse;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.StateCode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The system view that Milvus tools read (Attu's system page, birdwatcher, monitoring scripts): GetComponentStates
 * and GetMetrics with {@code {"metric_type": "system_info"}}, answered as Milvus's proxy answers them. Health is the
 * same check {@code /healthz} runs ({@link NodeHealth}), so every reader sees one state.
 *
 * <p>This node reports itself as Milvus's {@code proxy} role (the component that answers these calls in Milvus);
 * the system_info topology holds this one node, shaped like Milvus's {@code SystemTopology}: {@code nodes_info} with
 * {@code identifier}, {@code connected} and {@code infos} (has_error, error_reason, name, hardware_infos, system_info,
 * created_time, updated_time, type, id, system_configurations). Other metric types that Milvus serves (its WebUI's
 * segment, channel and task views) are refused with Milvus's code 1200 rather than answered with something else.
 * Neither request type carries a privilege option in Milvus's protos, so any authenticated caller may ask.
 */
final class SystemInfoRpc {
    static final String SYSTEM_INFO = "system_info";
    /** Milvus's role name of the component that answers the system view. */
    static final String ROLE = "proxy";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ECHOED_CHARS = 64;

    private final Supplier<List<String>> health;
    private final long nodeId;
    private final boolean cluster;
    private final String ip;
    private final Path dataDir;
    private final Instant started;
    private final String buildTime;

    /**
     * @param health  the reasons this node is unhealthy now, empty when healthy
     * @param nodeId  this node's id in cluster mode, 0 when embedded (the {@code node_id} of the metrics too)
     * @param ip      the address other nodes and tools know this node by ({@code proxy.ip})
     * @param dataDir {@code localStorage.path}, whose file system is reported as the node's disk
     */
    SystemInfoRpc(Supplier<List<String>> health, long nodeId, boolean cluster, String ip, Path dataDir,
                  Instant started, String buildTime) {
        this.health = health;
        this.nodeId = nodeId;
        this.cluster = cluster;
        this.ip = ip;
        this.dataDir = dataDir;
        this.started = started;
        this.buildTime = buildTime;
    }

    /** Healthy, or Abnormal with one {@code reason} entry per problem. */
    ComponentStates componentStates() {
        List<String> problems = health.get();
        ComponentInfo.Builder info = ComponentInfo.newBuilder()
                .setNodeID(nodeId)
                .setRole(ROLE)
                .setStateCode(problems.isEmpty() ? StateCode.Healthy : StateCode.Abnormal);
        problems.forEach(problem -> info.addExtraInfo(KeyValuePair.newBuilder().setKey("reason").setValue(problem)));
        return ComponentStates.newBuilder().setState(info).setStatus(StatusMapper.success()).build();
    }

    /** The reasons this node is unhealthy, for CheckHealth; empty when healthy. */
    List<String> problems() {
        return health.get();
    }

    /**
     * {@code {"metric_type": "system_info"}} (or Milvus's other spelling {@code metricType}): this node's topology.
     *
     * @throws MilvusException 1100 when the request is not a JSON object naming a metric type; 1200 (Milvus's
     *                         "metric not found") for a metric type other than system_info
     */
    GetMetricsResponse metrics(GetMetricsRequest request) {
        String type = metricType(request.getRequest());
        if (!SYSTEM_INFO.equals(type)) {
            throw new MilvusException(ErrorCode.METRIC_NOT_FOUND, "metric not found[metric=" + echo(type)
                    + "]: this server answers metric_type " + SYSTEM_INFO + " only");
        }
        return GetMetricsResponse.newBuilder()
                .setStatus(StatusMapper.success())
                .setResponse(systemTopology().toString())
                .setComponentName(componentName())
                .build();
    }

    private static String metricType(String request) {
        JsonNode root;
        try {
            root = JSON.readTree(request);
        } catch (JsonProcessingException e) {
            root = null;
        }
        JsonNode type = root == null || !root.isObject() ? null
                : root.has("metric_type") ? root.get("metric_type") : root.get("metricType");
        if (type == null || !type.isTextual()) {
            throw MilvusException.invalidParameterAsIs("GetMetrics needs a JSON request naming a metric_type, such as"
                    + " {\"metric_type\": \"" + SYSTEM_INFO + "\"}");
        }
        return type.asText();
    }

    private static String echo(String value) {
        return value.length() > MAX_ECHOED_CHARS ? value.substring(0, MAX_ECHOED_CHARS) + "..." : value;
    }

    /** Milvus names a component by role and id: {@code proxy1}. */
    private String componentName() {
        return ROLE + nodeId;
    }

    private ObjectNode systemTopology() {
        List<String> problems = health.get();
        ObjectNode infos = JSON.createObjectNode();
        infos.put("has_error", !problems.isEmpty());
        infos.put("error_reason", String.join("; ", problems));
        infos.put("name", componentName());
        infos.set("hardware_infos", hardware());
        ObjectNode system = infos.putObject("system_info");
        system.put("system_version", MilvusServiceAdapter.COMPATIBLE_VERSION);
        system.put("deploy_mode", cluster ? "DISTRIBUTED" : "STANDALONE");
        system.put("build_version", "vectorvault " + productVersion());
        system.put("build_time", buildTime);
        system.put("used_go_version", "Java " + Runtime.version());
        infos.put("created_time", started.toString());
        infos.put("updated_time", Instant.now().toString());
        infos.put("type", ROLE);
        infos.put("id", nodeId);
        ObjectNode configuration = infos.putObject("system_configurations");
        configuration.put("default_partition_name", "_default");
        configuration.put("default_index_name", "_default_idx");
        infos.putNull("quota_metrics");

        ObjectNode topology = JSON.createObjectNode();
        ObjectNode node = topology.putArray("nodes_info").addObject();
        node.put("identifier", nodeId);
        node.putArray("connected");
        node.set("infos", infos);
        return topology;
    }

    /** Milvus's HardwareMetrics: cores, CPU use in percent, memory and disk in bytes (total and used). */
    private ObjectNode hardware() {
        ObjectNode hardware = JSON.createObjectNode();
        hardware.put("ip", ip);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        hardware.put("cpu_core_count", os.getAvailableProcessors());
        long memory = 0;
        long memoryUsed = 0;
        double cpuPercent = 0;
        if (os instanceof com.sun.management.OperatingSystemMXBean machine) {
            double load = machine.getCpuLoad();
            cpuPercent = load >= 0 ? load * 100 : 0;
            memory = machine.getTotalMemorySize();
            memoryUsed = memory - machine.getFreeMemorySize();
        }
        hardware.put("cpu_core_usage", cpuPercent);
        hardware.put("memory", memory);
        hardware.put("memory_usage", memoryUsed);
        long disk = 0;
        long diskUsed = 0;
        try {
            FileStore store = Files.getFileStore(dataDir);
            disk = store.getTotalSpace();
            diskUsed = disk - store.getUsableSpace();
        } catch (IOException | SecurityException e) {
            // Reported as 0, as Milvus reports what it cannot measure; the node itself is not at fault.
        }
        hardware.put("disk", disk);
        hardware.put("disk_usage", diskUsed);
        return hardware;
    }

    /** The release this jar was built as (its manifest); "dev" when run from classes. */
    static String productVersion() {
        String version = SystemInfoRpc.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
