package dev.vectorvault.resourcegroup;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource groups (Milvus's query-coordinator resource manager): their configurations, stored under
 * {@code resource-group/} in the metadata store (etcd's {@code root-coord/} in cluster mode, reloaded on every node by
 * its mirror), the live nodes each holds, and the group of every loaded replica ({@code resource-group-replica/}).
 * The default group {@value #DEFAULT_GROUP} always exists and cannot be dropped.
 *
 * <p>Node membership is recorded ({@code resource-group-nodes}) and sticky, as in Milvus: a live node stays in its
 * group until a group's {@code requests}, {@code limits} (and their {@code transfer_from} / {@code transfer_to}
 * preferences) or node filter make it move ({@link MembershipRecovery}). Whoever reads the membership recomputes it
 * from the record, the configurations and the live nodes, and writes a changed result only while the record is still
 * the one it read (a compare-and-swap): of two nodes recomputing at once one writes, the other re-reads and, the
 * recomputation being a pure function, finds its own answer there. No leader is needed. A store holding no record
 * yet (an upgrade) starts from the membership the configurations alone give ({@link NodeAssignment}), so nothing
 * moves then. Thread-safe.
 */
public final class ResourceGroups {
    public static final String DEFAULT_GROUP = "__default_resource_group";
    /** The key prefixes (under {@code root-coord/}) a cluster node mirrors for this registry. */
    public static final List<String> KEY_PREFIXES = List.of(ResourceGroupRecords.GROUP_PREFIX,
            ResourceGroupRecords.REPLICA_PREFIX, ResourceGroupRecords.MEMBERSHIP_KEY);
    /** Guarded writes lost in a row before a read gives up recording (other nodes keep changing the record). */
    private static final int MAX_RECORD_ATTEMPTS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ResourceGroups.class);

    /** A group as described now: its configuration and the live nodes it holds. */
    public record Group(String name, ResourceGroupConfig config, List<QueryNode> nodes) {
        /** Milvus's deprecated capacity: the default group's capacity constant, else {@code requests}. */
        public int capacity() {
            return name.equals(DEFAULT_GROUP) ? ResourceGroupConfig.DEFAULT_GROUP_CAPACITY : config.requestsNodeNum();
        }
    }

    private final MetaStore store;
    private final Supplier<List<QueryNode>> liveNodes;
    private final int maxGroups;
    private final int maxGroupsPerUpdate;
    private final int maxNameLength;
    private Map<String, ResourceGroupConfig> groups = new TreeMap<>();
    private Map<Long, Map<Long, String>> replicaGroups = new HashMap<>();
    /** The membership record as last read or written, and its bytes (the guard of the next write); null: none. */
    private ResourceGroupRecords.MembershipRecord recorded;
    private byte[] recordedBytes;

    /**
     * @param maxGroups          {@code quotaAndLimits.limits.maxResourceGroupNumOfQueryNode}, the default group included
     * @param maxGroupsPerUpdate {@code metastore.maxEtcdTxnNum}: an update writes its groups in one transaction, which
     *                           etcd bounds ({@code --max-txn-ops}), so it names at most this many
     * @param maxNameLength      {@code proxy.maxNameLength}
     */
    public ResourceGroups(MetaStore store, Supplier<List<QueryNode>> liveNodes, int maxGroups, int maxGroupsPerUpdate,
                          int maxNameLength) {
        this.store = store;
        this.liveNodes = liveNodes;
        this.maxGroups = maxGroups;
        this.maxGroupsPerUpdate = maxGroupsPerUpdate;
        this.maxNameLength = maxNameLength;
        reload();
    }

    /** Re-reads every record (start, and a cluster mirror's reload after another node's change). */
    public synchronized void reload() {
        Map<String, ResourceGroupConfig> read = new TreeMap<>();
        read.put(DEFAULT_GROUP, ResourceGroupConfig.of(0, ResourceGroupConfig.DEFAULT_GROUP_CAPACITY));
        store.scan(ResourceGroupRecords.GROUP_PREFIX).forEach((key, value) -> {
            ResourceGroupRecords.GroupRecord record = ResourceGroupRecords.decodeGroup(key, value);
            read.put(record.name(), record.config());
        });
        Map<Long, Map<Long, String>> replicas = new HashMap<>();
        store.scan(ResourceGroupRecords.REPLICA_PREFIX).forEach((key, value) -> {
            ResourceGroupRecords.ReplicaRecord record = ResourceGroupRecords.decodeReplicas(key, value);
            replicas.put(record.collectionId(), Map.copyOf(record.replicaGroups()));
        });
        groups = read;
        replicaGroups = replicas;
        readMembership();
    }

    private void readMembership() {
        recordedBytes = store.get(ResourceGroupRecords.MEMBERSHIP_KEY).orElse(null);
        recorded = recordedBytes == null ? null
                : ResourceGroupRecords.decodeMembership(ResourceGroupRecords.MEMBERSHIP_KEY, recordedBytes);
    }

    /**
     * CreateResourceGroup: idempotent for the same configuration; {@code config} empty means requests and limits 0.
     *
     * @throws MilvusException PARAMETER_INVALID (name), RESOURCE_GROUP_ALREADY_EXISTS (other configuration),
     *                         RESOURCE_GROUP_LIMIT_REACHED, RESOURCE_GROUP_ILLEGAL_CONFIG
     */
    public synchronized void create(String name, Optional<ResourceGroupConfig> config) {
        validateName(name);
        ResourceGroupConfig wanted = config.orElse(ResourceGroupConfig.of(0, 0));
        ResourceGroupConfig existing = groups.get(name);
        if (existing != null) {
            if (existing.equals(wanted)) {
                return;
            }
            throw new MilvusException(ErrorCode.RESOURCE_GROUP_ALREADY_EXISTS,
                    "resource group already exist, but create with different config[rg=" + name + "]");
        }
        if (groups.size() >= maxGroups) {
            throw new MilvusException(ErrorCode.RESOURCE_GROUP_LIMIT_REACHED, "resource group num reach limit[rg="
                    + name + "][limit=" + maxGroups + "]");
        }
        validateConfig(name, wanted, groups);
        store.put(ResourceGroupRecords.GROUP_PREFIX + name, ResourceGroupRecords.encodeGroup(name, wanted));
        groups.put(name, wanted);
    }

    /**
     * UpdateResourceGroups: all or nothing; every group must exist and every configuration be valid. One transaction
     * writes them all, so an update naming more than {@code metastore.maxEtcdTxnNum} groups is refused (1100) before
     * anything is written, rather than failing inside etcd or being split into transactions a crash could separate.
     */
    public synchronized void update(Map<String, ResourceGroupConfig> configs) {
        if (configs.size() > maxGroupsPerUpdate) {
            throw MilvusException.invalidParameterAsIs("too many resource groups in one update: invalid parameter"
                    + "[expected=at most " + maxGroupsPerUpdate + " resource groups, metastore.maxEtcdTxnNum, as one"
                    + " metadata transaction writes them all][actual=" + configs.size() + "]");
        }
        for (Map.Entry<String, ResourceGroupConfig> e : configs.entrySet()) {
            if (!groups.containsKey(e.getKey())) {
                throw notFound(e.getKey());
            }
            validateConfig(e.getKey(), e.getValue(), groups);
        }
        SortedMap<String, byte[]> records = new TreeMap<>();
        configs.forEach((name, config) -> records.put(ResourceGroupRecords.GROUP_PREFIX + name,
                ResourceGroupRecords.encodeGroup(name, config)));
        store.putAll(records); // one transaction: a failure changes no group, here or in the store
        groups.putAll(configs);
    }

    /**
     * DropResourceGroup: a group that does not exist is dropped already. Refused for the default group, a group with
     * loaded replicas, a group whose {@code limits} is not 0, and a group another one names in its transfers.
     */
    public synchronized void drop(String name) {
        replicaGroups.forEach((collectionId, byReplica) -> {
            if (byReplica.containsValue(name)) {
                throw MilvusException.invalidParameterAsIs("some replicas still loaded in resource group[" + name
                        + "], release it first: invalid parameter[expected=empty resource group][actual=resource"
                        + " group " + name + " has collection " + collectionId + " loaded]");
            }
        });
        ResourceGroupConfig config = groups.get(name);
        if (config == null) {
            return;
        }
        if (name.equals(DEFAULT_GROUP)) {
            throw MilvusException.invalidParameterAsIs("delete default rg is not permitted: default resource group is"
                    + " not deletable: invalid parameter[expected=not default resource group][actual=" + name + "]");
        }
        if (config.limitsNodeNum() != 0) {
            throw MilvusException.invalidParameterAsIs("resource group's limits node num is not 0: invalid"
                    + " parameter[expected=not empty resource group][actual=" + name + "]");
        }
        groups.forEach((other, otherConfig) -> {
            if (otherConfig.transferFrom().contains(name) || otherConfig.transferTo().contains(name)) {
                throw MilvusException.invalidParameterAsIs("resource group " + name + " is used by " + other
                        + "'s `TransferFrom` or `TransferTo`, remove that configuration first: invalid"
                        + " parameter[expected=not a transfer of another resource group][actual=" + name + "]");
            }
        });
        store.deleteTree(ResourceGroupRecords.GROUP_PREFIX + name);
        groups.remove(name);
    }

    public synchronized List<String> names() {
        return List.copyOf(groups.keySet());
    }

    /** @throws MilvusException RESOURCE_GROUP_NOT_FOUND */
    public synchronized Group describe(String name) {
        ResourceGroupConfig config = groups.get(name);
        if (config == null) {
            throw notFound(name);
        }
        return new Group(name, config, membership().get(name));
    }

    /**
     * The group of every live node now, recorded first when it changed. Should the store refuse the write (etcd
     * unreachable), the recomputed membership is answered unrecorded and the next read tries again.
     */
    public synchronized Map<String, List<QueryNode>> membership() {
        List<QueryNode> live = liveNodes.get();
        Map<String, List<Long>> next = null;
        for (int attempt = 0; attempt < MAX_RECORD_ATTEMPTS; attempt++) {
            next = MembershipRecovery.recover(previousMembership(live), groups, live);
            if (recorded != null && next.equals(recorded.nodes())) {
                break;
            }
            try {
                if (recordMembership(next, new TreeMap<>())) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("event=resource_group_membership_unrecorded cause=\"{}\"", e.getMessage());
                break;
            }
            readMembership();
        }
        return withNodes(next, live);
    }

    /** The recorded membership; before any record, the one the configurations alone give. */
    private Map<String, List<Long>> previousMembership(List<QueryNode> live) {
        if (recorded != null) {
            return recorded.nodes();
        }
        Map<String, List<Long>> derived = new TreeMap<>();
        NodeAssignment.assign(groups, live).forEach((group, nodes) -> derived.put(group,
                nodes.stream().map(QueryNode::nodeId).toList()));
        return derived;
    }

    /**
     * Writes the membership, with {@code alongside} (configuration records) in the same transaction, only while the
     * record is the one last read; false when another node changed it meanwhile.
     */
    private boolean recordMembership(Map<String, List<Long>> nodes, SortedMap<String, byte[]> alongside) {
        long revision = recorded == null ? 1 : recorded.revision() + 1;
        byte[] bytes = ResourceGroupRecords.encodeMembership(revision, nodes);
        SortedMap<String, byte[]> entries = new TreeMap<>(alongside);
        entries.put(ResourceGroupRecords.MEMBERSHIP_KEY, bytes);
        if (!store.putAllWhile(ResourceGroupRecords.MEMBERSHIP_KEY, recordedBytes, entries)) {
            return false;
        }
        recorded = new ResourceGroupRecords.MembershipRecord(ResourceGroupRecords.VERSION, revision, nodes);
        recordedBytes = bytes;
        return true;
    }

    private Map<String, List<QueryNode>> withNodes(Map<String, List<Long>> ids, List<QueryNode> live) {
        Map<Long, QueryNode> byId = new HashMap<>();
        live.forEach(node -> byId.put(node.nodeId(), node));
        Map<String, List<QueryNode>> members = new LinkedHashMap<>();
        groups.keySet().forEach(group -> members.put(group, ids.getOrDefault(group, List.of()).stream()
                .map(byId::get).filter(java.util.Objects::nonNull).toList()));
        return members;
    }

    /** The group holding the node now, empty when the node is not live. */
    public synchronized Optional<String> groupOf(long nodeId) {
        for (Map.Entry<String, List<QueryNode>> e : membership().entrySet()) {
            if (e.getValue().stream().anyMatch(n -> n.nodeId() == nodeId)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /**
     * TransferNode, Milvus's compatibility form of an update: the source asks for {@code count} fewer nodes (its
     * limit too, unless it is the default group), the target for {@code count} more (its limit raised to match). Milvus
     * then lets its recovery pick the nodes, which may take them from a group other than the source; here the
     * {@code count} newest nodes of the source the target accepts move, written with the two configurations in one
     * transaction guarded on the membership record (re-read and retried when another node changed it).
     */
    public synchronized void transferNodes(String source, String target, int count) {
        if (source.equals(target)) {
            throw MilvusException.invalidParameterAsIs("source resource group and target resource group should not"
                    + " be the same, resource group: " + source);
        }
        if (count <= 0) {
            throw MilvusException.invalidParameterAsIs("invalid parameter[expected=NumNode > 0][actual=invalid NumNode "
                    + count + "]");
        }
        ResourceGroupConfig from = groups.get(source);
        if (from == null) {
            throw notFound(source);
        }
        ResourceGroupConfig to = groups.get(target);
        if (to == null) {
            throw notFound(target);
        }
        int fromLimits = source.equals(DEFAULT_GROUP) ? from.limitsNodeNum() : Math.max(0, from.limitsNodeNum() - count);
        int toRequests = to.requestsNodeNum() + count;
        Map<String, ResourceGroupConfig> changed = new TreeMap<>();
        changed.put(source, from.withNodeNums(Math.max(0, from.requestsNodeNum() - count), fromLimits));
        changed.put(target, to.withNodeNums(toRequests, Math.max(to.limitsNodeNum(), toRequests)));
        changed.forEach((name, config) -> validateConfig(name, config, groups));
        SortedMap<String, byte[]> records = new TreeMap<>();
        changed.forEach((name, config) -> records.put(ResourceGroupRecords.GROUP_PREFIX + name,
                ResourceGroupRecords.encodeGroup(name, config)));
        Map<String, ResourceGroupConfig> after = new TreeMap<>(groups);
        after.putAll(changed);
        for (int attempt = 0; ; attempt++) {
            List<QueryNode> live = liveNodes.get();
            Map<String, List<QueryNode>> now = membership();
            List<QueryNode> movable = now.get(source).stream().filter(n -> to.accepts(n.labels()))
                    .sorted(Comparator.comparingLong(QueryNode::nodeId).reversed()).toList();
            if (movable.size() < count) {
                throw nodeNotEnough(source, movable.size(), count);
            }
            Map<String, List<Long>> moved = new TreeMap<>();
            now.forEach((group, nodes) -> moved.put(group, new ArrayList<>(nodes.stream().map(QueryNode::nodeId)
                    .toList())));
            movable.subList(0, count).forEach(node -> {
                moved.get(source).remove(node.nodeId());
                moved.get(target).add(node.nodeId());
            });
            if (recordMembership(MembershipRecovery.recover(moved, after, live), records)) {
                groups.putAll(changed);
                return;
            }
            if (attempt + 1 >= MAX_RECORD_ATTEMPTS) {
                throw new MilvusException(ErrorCode.RESOURCE_GROUP_SERVICE_UNAVAILABLE, "resource group service"
                        + " unavailable: the membership record kept changing under TransferNode[rg=" + source + "]");
            }
            readMembership();
        }
    }

    /**
     * The group of each of {@code replicaNumber} replicas asked for with {@code requested} groups (LoadCollection's
     * {@code resource_groups}): none means the default group, one holds them all, else one replica per group.
     *
     * @throws MilvusException PARAMETER_INVALID (group count), RESOURCE_GROUP_NOT_FOUND,
     *                         RESOURCE_GROUP_NODE_NOT_ENOUGH naming the group that holds too few nodes
     */
    public synchronized List<String> groupsForReplicas(List<String> requested, int replicaNumber) {
        checkGroupCount(requested, replicaNumber);
        List<String> perReplica = new ArrayList<>();
        for (int i = 0; i < replicaNumber; i++) {
            perReplica.add(requested.isEmpty() ? DEFAULT_GROUP : requested.get(requested.size() == 1 ? 0 : i));
        }
        Map<String, Integer> wanted = new TreeMap<>();
        perReplica.forEach(g -> wanted.merge(g, 1, Integer::sum));
        Map<String, List<QueryNode>> members = membership();
        wanted.forEach((group, count) -> {
            if (!groups.containsKey(group)) {
                throw notFound(group);
            }
            int held = members.get(group).size();
            if (held < count) {
                throw notEnoughNodesToLoad(group, count, held, "resource group " + group + " holds " + held
                        + " live node(s)");
            }
        });
        return perReplica;
    }

    /** Milvus's refusal of a load whose group holds fewer nodes than the replicas asked of it. */
    public static MilvusException notEnoughNodesToLoad(String group, int requested, int actual, String why) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH, "failed to load collection: resource"
                + " group node not enough[rg=" + group + "][requested=" + requested + "][actual=" + actual
                + "]: " + why);
    }

    /** Refuses a number of groups that is neither 0, 1 nor the number of replicas. */
    public static void checkGroupCount(List<String> requested, int replicaNumber) {
        if (requested.size() > 1 && requested.size() != replicaNumber) {
            throw MilvusException.invalidParameterAsIs("replica=[" + replicaNumber + "] resource group=["
                    + String.join(",", requested) + "], resource group num can only be 0, 1 or same as replica number");
        }
    }

    /** Records the group of each replica of a collection just loaded (replica id to group). */
    public synchronized void replicasPlaced(long collectionId, Map<Long, String> byReplica) {
        store.putAll(replicaRecord(collectionId, byReplica));
        replicasRecorded(collectionId, byReplica);
    }

    /**
     * The record of each replica's group, for a caller that writes it in its own transaction with the placement it
     * belongs to (a cluster's replica placement), then calls {@link #replicasRecorded}.
     */
    public static SortedMap<String, byte[]> replicaRecord(long collectionId, Map<Long, String> byReplica) {
        SortedMap<String, byte[]> record = new TreeMap<>();
        record.put(replicaKey(collectionId), ResourceGroupRecords.encodeReplicas(collectionId, byReplica));
        return record;
    }

    /** The key of the collection's replica-group record, for a caller deleting it in its own transaction. */
    public static String replicaKey(long collectionId) {
        return ResourceGroupRecords.REPLICA_PREFIX + collectionId;
    }

    /** The replica groups a caller has just written with {@link #replicaRecord}. */
    public synchronized void replicasRecorded(long collectionId, Map<Long, String> byReplica) {
        replicaGroups.put(collectionId, Map.copyOf(byReplica));
    }

    /** The collection was released (or dropped): its replicas leave their groups. */
    public synchronized void replicasReleased(long collectionId) {
        if (replicaGroups.remove(collectionId) != null || store.get(replicaKey(collectionId)).isPresent()) {
            store.deleteTree(replicaKey(collectionId));
        }
    }

    /** A caller has just deleted the collection's replica-group record ({@link #replicaKey}) in its own transaction. */
    public synchronized void replicasForgotten(long collectionId) {
        replicaGroups.remove(collectionId);
    }

    /** Forgets the replica groups of every collection {@code loaded} says is no longer loaded. */
    public synchronized void forgetReplicasUnless(java.util.function.LongPredicate loaded) {
        for (long collectionId : List.copyOf(replicaGroups.keySet())) {
            if (!loaded.test(collectionId)) {
                replicasReleased(collectionId);
            }
        }
    }

    /** The group of a replica; the default group for a replica placed before groups were recorded. */
    public synchronized String groupOfReplica(long collectionId, long replicaId) {
        return replicaGroups.getOrDefault(collectionId, Map.of()).getOrDefault(replicaId, DEFAULT_GROUP);
    }

    /**
     * TransferReplica: {@code count} replicas of the collection (its replica ids given) move from {@code source} to
     * {@code target}, which must hold a node for every replica it would have of the collection.
     */
    public synchronized void transferReplicas(long collectionId, List<Long> replicaIds, String source, String target,
                                              int count) {
        replicasPlaced(collectionId, transferPlan(collectionId, replicaIds, source, target, count));
    }

    /**
     * The group of each replica once TransferReplica has moved {@code count} of them from {@code source} to
     * {@code target}, checked as {@link #transferReplicas} does but not recorded (a cluster moves the replicas to
     * nodes of the target group first, then records it with {@link #replicasPlaced}).
     */
    public synchronized Map<Long, String> transferPlan(long collectionId, List<Long> replicaIds, String source,
                                                       String target, int count) {
        if (source.equals(target)) {
            throw MilvusException.invalidParameterAsIs("source resource group and target resource group should not"
                    + " be the same, resource group: " + source);
        }
        if (count <= 0) {
            throw MilvusException.invalidParameterAsIs("invalid parameter[expected=NumReplica > 0][actual=invalid"
                    + " NumReplica " + count + "]");
        }
        if (!groups.containsKey(source)) {
            throw new MilvusException(ErrorCode.RESOURCE_GROUP_NOT_FOUND, "the source resource group[" + source
                    + "] doesn't exist: resource group not found[rg=" + source + "]");
        }
        if (!groups.containsKey(target)) {
            throw new MilvusException(ErrorCode.RESOURCE_GROUP_NOT_FOUND, "the target resource group[" + target
                    + "] doesn't exist: resource group not found[rg=" + target + "]");
        }
        Map<Long, String> byReplica = new TreeMap<>();
        replicaIds.forEach(id -> byReplica.put(id, groupOfReplica(collectionId, id)));
        List<Long> inSource = byReplica.entrySet().stream().filter(e -> e.getValue().equals(source))
                .map(Map.Entry::getKey).sorted(Comparator.naturalOrder()).toList();
        if (inSource.size() < count) {
            throw MilvusException.invalidParameterAsIs("found [" + inSource.size() + "] replicas of collection["
                    + collectionId + "] in source resource group[" + source + "], less than the replicas to"
                    + " transfer[" + count + "]");
        }
        long inTarget = byReplica.values().stream().filter(target::equals).count();
        int held = membership().get(target).size();
        if (held < inTarget + count) {
            throw nodeNotEnough(target, held, (int) inTarget + count);
        }
        inSource.subList(0, count).forEach(id -> byReplica.put(id, target));
        return byReplica;
    }

    private void validateName(String name) {
        if (name.isEmpty()) {
            throw MilvusException.invalidParameterAsIs("resource group name couldn't be empty");
        }
        String invalid = "Invalid resource group name " + name + ".";
        if (name.length() > maxNameLength) {
            throw MilvusException.invalidParameterAsIs(invalid + " the length of a resource group name must be less"
                    + " than " + maxNameLength + " characters: invalid parameter");
        }
        char first = name.charAt(0);
        if (first != '_' && !isLetter(first)) {
            throw MilvusException.invalidParameterAsIs(invalid + " the first character of a resource group name must"
                    + " be an underscore or letter: invalid parameter");
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && !isLetter(c) && !(c >= '0' && c <= '9')) {
                throw MilvusException.invalidParameterAsIs(invalid + " resource group name can only contain numbers,"
                        + " letters and underscores: invalid parameter");
            }
        }
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static void validateConfig(String name, ResourceGroupConfig config, Map<String, ResourceGroupConfig> all) {
        if (config.requestsNodeNum() < 0 || config.limitsNodeNum() < 0) {
            throw illegalConfig(name, config, "node num in `requests` or `limits` should not less than 0");
        }
        if (config.limitsNodeNum() < config.requestsNodeNum()) {
            throw illegalConfig(name, config, "limits node num should not less than requests node num");
        }
        for (String from : config.transferFrom()) {
            checkTransfer(name, config, all, from, "TransferFrom");
        }
        for (String to : config.transferTo()) {
            checkTransfer(name, config, all, to, "TransferTo");
        }
    }

    private static void checkTransfer(String name, ResourceGroupConfig config, Map<String, ResourceGroupConfig> all,
                                      String other, String field) {
        if (other.equals(name)) {
            throw illegalConfig(name, config, "resource group in `" + field + "` " + name + " should not be itself");
        }
        if (!all.containsKey(other)) {
            throw illegalConfig(name, config, "resource group in `" + field + "` " + other + " not exist");
        }
    }

    /** The configuration is reported absent when the request carried none (Milvus: "requests or limits is required"). */
    public static MilvusException missingConfig(String name) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_ILLEGAL_CONFIG, "requests or limits is required: resource"
                + " group illegal config[rg=" + name + "]");
    }

    private static MilvusException illegalConfig(String name, ResourceGroupConfig config, String why) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_ILLEGAL_CONFIG, why + ": resource group illegal config[rg="
                + name + "][config=requests:{node_num:" + config.requestsNodeNum() + "} limits:{node_num:"
                + config.limitsNodeNum() + "}]");
    }

    public static MilvusException notFound(String name) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_NOT_FOUND, "resource group not found[rg=" + name + "]");
    }

    private static MilvusException nodeNotEnough(String name, int held, int expected) {
        return new MilvusException(ErrorCode.RESOURCE_GROUP_NODE_NOT_ENOUGH, "resource group node not enough[rg="
                + name + "][currentNodeNum=" + held + "][expectedNodeNum=" + expected + "]");
    }
}
