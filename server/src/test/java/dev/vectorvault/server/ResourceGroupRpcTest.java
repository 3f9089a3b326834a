package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vectorvault.config.ServerConfig;
import io.milvus.grpc.CreateCredentialRequest;
import io.milvus.grpc.CreateResourceGroupRequest;
import io.milvus.grpc.DescribeResourceGroupRequest;
import io.milvus.grpc.DropResourceGroupRequest;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.ListResourceGroupsRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadPartitionsRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.ReleasePartitionsRequest;
import io.milvus.grpc.ResourceGroup;
import io.milvus.grpc.ResourceGroupConfig;
import io.milvus.grpc.ResourceGroupLimit;
import io.milvus.grpc.ResourceGroupTransfer;
import io.milvus.grpc.Status;
import io.milvus.grpc.TransferNodeRequest;
import io.milvus.grpc.TransferReplicaRequest;
import io.milvus.grpc.UpdateResourceGroupsRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource-group RPCs on the embedded server, whose one node belongs to exactly one group: creation with Milvus's
 * validation, membership following requests and limits, TransferNode as Milvus's config update, loads into groups,
 * TransferReplica, the refusals of DropResourceGroup, persistence across a restart, and the privilege check.
 */
@Timeout(120)
class ResourceGroupRpcTest {
    private static final String DEFAULT = "__default_resource_group";

    @TempDir
    Path dataDir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MilvusServiceBlockingStub start(Map<String, String> keys) throws Exception {
        server = LoopbackServer.start(dataDir, keys);
        return MilvusServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static ResourceGroupConfig config(int requests, int limits) {
        return ResourceGroupConfig.newBuilder().setRequests(ResourceGroupLimit.newBuilder().setNodeNum(requests))
                .setLimits(ResourceGroupLimit.newBuilder().setNodeNum(limits)).build();
    }

    static Status create(MilvusServiceBlockingStub stub, String name, ResourceGroupConfig config) {
        return stub.createResourceGroup(CreateResourceGroupRequest.newBuilder().setResourceGroup(name)
                .setConfig(config).build());
    }

    static ResourceGroup describe(MilvusServiceBlockingStub stub, String name) {
        io.milvus.grpc.DescribeResourceGroupResponse response = stub.describeResourceGroup(
                DescribeResourceGroupRequest.newBuilder().setResourceGroup(name).build());
        SmallCollection.ok(response.getStatus());
        return response.getResourceGroup();
    }

    private static Status update(MilvusServiceBlockingStub stub, String name, ResourceGroupConfig config) {
        return stub.updateResourceGroups(UpdateResourceGroupsRequest.newBuilder().putResourceGroups(name, config)
                .build());
    }

    private static Status drop(MilvusServiceBlockingStub stub, String name) {
        return stub.dropResourceGroup(DropResourceGroupRequest.newBuilder().setResourceGroup(name).build());
    }

    private static Status load(MilvusServiceBlockingStub stub, int replicas, String... groups) {
        return stub.loadCollection(LoadCollectionRequest.newBuilder().setCollectionName("c")
                .setReplicaNumber(replicas).addAllResourceGroups(java.util.List.of(groups)).build());
    }

    /** A server holding collection {@code c} (10 rows, indexed) not loaded, so a test loads it into its groups. */
    private MilvusServiceBlockingStub startWithReleasedCollection() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        SmallCollection.create(stub, 10);
        SmallCollection.ok(stub.releaseCollection(ReleaseCollectionRequest.newBuilder().setCollectionName("c")
                .build()));
        return stub;
    }

    private static void refused(Status status, int code, String... reasons) {
        assertThat(status.getCode()).as(status.getReason()).isEqualTo(code);
        for (String reason : reasons) {
            assertThat(status.getReason()).contains(reason);
        }
    }

    @Test
    void theDefaultGroupAlwaysExistsAndHoldsTheServer() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        io.milvus.grpc.ListResourceGroupsResponse list = stub.listResourceGroups(
                ListResourceGroupsRequest.getDefaultInstance());
        SmallCollection.ok(list.getStatus());
        assertThat(list.getResourceGroupsList()).containsExactly(DEFAULT);
        ResourceGroup group = describe(stub, DEFAULT);
        assertThat(group.getCapacity()).isEqualTo(1_000_000);
        assertThat(group.getNumAvailableNode()).isEqualTo(1);
        assertThat(group.getConfig().getLimits().getNodeNum()).isEqualTo(1_000_000);
        assertThat(group.getNodesList()).singleElement().satisfies(node -> {
            assertThat(node.getAddress()).endsWith(":" + server.port());
            assertThat(node.getHostname()).isNotEmpty();
        });
        refused(stub.describeResourceGroup(DescribeResourceGroupRequest.newBuilder().setResourceGroup("nope")
                .build()).getStatus(), 300, "resource group not found[rg=nope]");
    }

    @Test
    void createValidatesNamesAndConfigurationsAsMilvusDoes() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        refused(create(stub, "", config(0, 0)), 1100, "resource group name couldn't be empty");
        refused(create(stub, "1rg", config(0, 0)), 1100, "first character of a resource group name");
        refused(create(stub, "rg-1", config(0, 0)), 1100, "can only contain numbers, letters and underscores");
        refused(create(stub, "r".repeat(256), config(0, 0)), 1100, "must be less than 255 characters");
        refused(create(stub, "rg", config(2, 1)), 303, "limits node num should not less than requests node num");
        refused(create(stub, "rg", config(-1, 1)), 303, "should not less than 0");
        refused(create(stub, "rg", config(0, 1).toBuilder().addTransferFrom(ResourceGroupTransfer.newBuilder()
                .setResourceGroup("elsewhere")).build()), 303, "`TransferFrom` elsewhere not exist");
        refused(create(stub, "rg", config(0, 1).toBuilder().addTransferTo(ResourceGroupTransfer.newBuilder()
                .setResourceGroup("rg")).build()), 303, "should not be itself");
        refused(create(stub, "rg", ResourceGroupConfig.newBuilder().setRequests(ResourceGroupLimit.newBuilder())
                .build()), 303, "requests or limits is required");
        assertThat(stub.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance())
                .getResourceGroupsList()).as("refused creations create nothing").containsExactly(DEFAULT);

        SmallCollection.ok(create(stub, "rg", config(0, 1)));
        SmallCollection.ok(create(stub, "rg", config(0, 1)));
        refused(create(stub, "rg", config(0, 2)), 301, "resource group already exist, but create with different"
                + " config[rg=rg]");
        SmallCollection.ok(stub.createResourceGroup(CreateResourceGroupRequest.newBuilder().setResourceGroup("bare")
                .build()));
        assertThat(describe(stub, "bare").getConfig().getLimits().getNodeNum()).isZero();
        assertThat(stub.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance()).getResourceGroupsList())
                .containsExactlyInAnyOrder(DEFAULT, "rg", "bare");
    }

    @Test
    void theNumberOfGroupsIsCappedByTheConfiguredLimit() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of("quotaAndLimits.limits.maxResourceGroupNumOfQueryNode", "2"));
        SmallCollection.ok(create(stub, "one", config(0, 0)));
        refused(create(stub, "two", config(0, 0)), 302, "resource group num reach limit[rg=two][limit=2]");
    }

    @Test
    void theNodeFollowsRequestsAndLimitsAndTransferNodeUpdatesTheConfigs() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        SmallCollection.ok(create(stub, "rg", config(1, 1)));
        assertThat(describe(stub, "rg").getNumAvailableNode()).isEqualTo(1);
        assertThat(describe(stub, DEFAULT).getNumAvailableNode()).isZero();
        assertThat(describe(stub, "rg").getCapacity()).isEqualTo(1);

        SmallCollection.ok(update(stub, "rg", config(0, 0)));
        assertThat(describe(stub, "rg").getNumAvailableNode()).isZero();
        assertThat(describe(stub, DEFAULT).getNumAvailableNode()).isEqualTo(1);
        refused(update(stub, "nope", config(0, 0)), 300, "resource group not found[rg=nope]");
        refused(update(stub, "rg", config(3, 1)), 303);

        refused(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup("rg")
                .setTargetResourceGroup("rg").setNumNode(1).build()), 1100, "should not be the same");
        refused(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup(DEFAULT)
                .setTargetResourceGroup("rg").setNumNode(0).build()), 1100, "NumNode > 0");
        refused(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup(DEFAULT)
                .setTargetResourceGroup("nope").setNumNode(1).build()), 300, "rg=nope");
        refused(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup(DEFAULT)
                .setTargetResourceGroup("rg").setNumNode(2).build()), 304, "resource group node not enough[rg="
                + DEFAULT + "][currentNodeNum=1][expectedNodeNum=2]");
        SmallCollection.ok(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup(DEFAULT)
                .setTargetResourceGroup("rg").setNumNode(1).build()));
        ResourceGroup rg = describe(stub, "rg");
        assertThat(rg.getConfig().getRequests().getNodeNum()).isEqualTo(1);
        assertThat(rg.getConfig().getLimits().getNodeNum()).isEqualTo(1);
        assertThat(rg.getNumAvailableNode()).isEqualTo(1);
        assertThat(describe(stub, DEFAULT).getConfig().getLimits().getNodeNum())
                .as("the default group keeps its limit, as in Milvus").isEqualTo(1_000_000);

        SmallCollection.ok(stub.transferNode(TransferNodeRequest.newBuilder().setSourceResourceGroup("rg")
                .setTargetResourceGroup(DEFAULT).setNumNode(1).build()));
        rg = describe(stub, "rg");
        assertThat(rg.getConfig().getRequests().getNodeNum()).isZero();
        assertThat(rg.getConfig().getLimits().getNodeNum()).as("a non-default source's limit drops too").isZero();
        assertThat(describe(stub, DEFAULT).getNumAvailableNode()).isEqualTo(1);
    }

    @Test
    void replicasAreLoadedIntoGroupsTransferredAndBlockTheirGroupsDrop() throws Exception {
        MilvusServiceBlockingStub stub = startWithReleasedCollection();
        SmallCollection.ok(create(stub, "rg", config(0, 0)));
        refused(load(stub, 1, "nope"), 300, "resource group not found[rg=nope]");
        refused(load(stub, 1, "rg"), 304, "resource group node not enough[rg=rg]", "requested=1", "actual=0");
        refused(load(stub, 2, "rg", DEFAULT, "nope"), 1100,
                "resource group num can only be 0, 1 or same as replica number");
        refused(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("_default").addResourceGroups("nope").build()), 300, "rg=nope");

        SmallCollection.ok(update(stub, "rg", config(1, 1)));
        refused(load(stub, 1), 304, "[rg=" + DEFAULT + "]");
        SmallCollection.ok(load(stub, 1, "rg"));
        assertThat(stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build())
                .getReplicas(0).getResourceGroupName()).isEqualTo("rg");
        ResourceGroup rg = describe(stub, "rg");
        assertThat(rg.getNumLoadedReplicaMap()).containsExactly(Map.entry("c", 1));
        assertThat(rg.getNumOutgoingNodeMap()).isEmpty();
        refused(drop(stub, "rg"), 1100, "some replicas still loaded in resource group[rg], release it first");

        // The node goes back to the default group; the replica stays in rg, served by a node of another group.
        SmallCollection.ok(update(stub, "rg", config(0, 0)));
        assertThat(describe(stub, "rg").getNumOutgoingNodeMap()).containsExactly(Map.entry("c", 1));
        assertThat(describe(stub, DEFAULT).getNumIncomingNodeMap()).containsExactly(Map.entry("c", 1));

        refused(stub.transferReplica(TransferReplicaRequest.newBuilder().setCollectionName("c")
                .setSourceResourceGroup(DEFAULT).setTargetResourceGroup("rg").setNumReplica(1).build()), 1100,
                "found [0] replicas");
        refused(stub.transferReplica(TransferReplicaRequest.newBuilder().setCollectionName("c")
                .setSourceResourceGroup("rg").setTargetResourceGroup("nope").setNumReplica(1).build()), 300,
                "the target resource group[nope] doesn't exist");
        SmallCollection.ok(stub.transferReplica(TransferReplicaRequest.newBuilder().setCollectionName("c")
                .setSourceResourceGroup("rg").setTargetResourceGroup(DEFAULT).setNumReplica(1).build()));
        assertThat(stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build())
                .getReplicas(0).getResourceGroupName()).isEqualTo(DEFAULT);
        assertThat(describe(stub, DEFAULT).getNumLoadedReplicaMap()).containsExactly(Map.entry("c", 1));
        SmallCollection.ok(drop(stub, "rg"));
        assertThat(stub.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance()).getResourceGroupsList())
                .containsExactly(DEFAULT);
        refused(stub.transferReplica(TransferReplicaRequest.newBuilder().setCollectionName("c")
                .setSourceResourceGroup(DEFAULT).setTargetResourceGroup("rg").setNumReplica(1).build()), 300);
    }

    @Test
    void releasingTheLastLoadedPartitionTakesTheReplicaOutOfItsGroup() throws Exception {
        MilvusServiceBlockingStub stub = startWithReleasedCollection();
        SmallCollection.ok(create(stub, "rg", config(1, 1)));
        SmallCollection.ok(load(stub, 1, "rg"));
        assertThat(describe(stub, "rg").getNumLoadedReplicaMap()).containsExactly(Map.entry("c", 1));

        SmallCollection.ok(stub.releasePartitions(ReleasePartitionsRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("_default").build()));
        // Loaded again without naming a group: the replica is the default group's, no longer rg's.
        SmallCollection.ok(update(stub, "rg", config(0, 0)));
        SmallCollection.ok(stub.loadPartitions(LoadPartitionsRequest.newBuilder().setCollectionName("c")
                .addPartitionNames("_default").build()));
        assertThat(describe(stub, "rg").getNumLoadedReplicaMap()).isEmpty();
        assertThat(describe(stub, DEFAULT).getNumLoadedReplicaMap()).containsExactly(Map.entry("c", 1));
        assertThat(stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build())
                .getReplicas(0).getResourceGroupName()).isEqualTo(DEFAULT);
        SmallCollection.ok(drop(stub, "rg"));
    }

    @Test
    void dropRefusesTheDefaultGroupAndGroupsWithLimitsOrTransfersAndIgnoresUnknownOnes() throws Exception {
        MilvusServiceBlockingStub stub = start(Map.of());
        refused(drop(stub, DEFAULT), 1100, "delete default rg is not permitted");
        SmallCollection.ok(drop(stub, "never_created"));
        SmallCollection.ok(create(stub, "limited", config(0, 1)));
        refused(drop(stub, "limited"), 1100, "resource group's limits node num is not 0");
        SmallCollection.ok(create(stub, "source", config(0, 0)));
        SmallCollection.ok(create(stub, "user", config(0, 0).toBuilder().addTransferFrom(ResourceGroupTransfer
                .newBuilder().setResourceGroup("source")).build()));
        refused(drop(stub, "source"), 1100, "resource group source is used by user");
        SmallCollection.ok(drop(stub, "user"));
        SmallCollection.ok(drop(stub, "source"));
    }

    @Test
    void groupsAndReplicaGroupsSurviveARestart() throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("proxy.port", "0");
        keys.put("localStorage.path", dataDir.toString());
        MilvusServer first = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", first.port()).usePlaintext().build();
        try {
            MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            SmallCollection.create(stub, 5);
            SmallCollection.ok(create(stub, "kept", config(1, 2)));
            SmallCollection.ok(load(stub, 1, "kept"));
        } finally {
            channel.shutdownNow();
            first.close();
        }
        MilvusServer second = MilvusServer.start(ServerConfig.fromFlatKeys(keys));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext().build();
        try {
            MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            ResourceGroup kept = describe(stub, "kept");
            assertThat(kept.getConfig().getRequests().getNodeNum()).isEqualTo(1);
            assertThat(kept.getConfig().getLimits().getNodeNum()).isEqualTo(2);
            assertThat(kept.getNumAvailableNode()).isEqualTo(1);
            assertThat(stub.getReplicas(GetReplicasRequest.newBuilder().setCollectionName("c").build())
                    .getReplicas(0).getResourceGroupName()).isEqualTo("kept");
        } finally {
            channel.shutdownNow();
            second.close();
        }
    }

    @Test
    void aUserWithoutTheGlobalPrivilegeIsDeniedEveryResourceGroupRpc() throws Exception {
        server = LoopbackServer.start(dataDir, Map.of("common.security.authorizationEnabled", "true"));
        MilvusServiceBlockingStub root = as("root", "Milvus");
        SmallCollection.ok(root.createCredential(CreateCredentialRequest.newBuilder().setUsername("eve")
                .setPassword(Base64.getEncoder().encodeToString("Eve-pass-123".getBytes(StandardCharsets.UTF_8)))
                .build()));
        MilvusServiceBlockingStub eve = as("eve", "Eve-pass-123");
        assertThat(catchThrowable(() -> create(eve, "rg", config(0, 0)))).hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> eve.listResourceGroups(ListResourceGroupsRequest.getDefaultInstance())))
                .hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> eve.describeResourceGroup(DescribeResourceGroupRequest.newBuilder()
                .setResourceGroup(DEFAULT).build()))).hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> drop(eve, "rg"))).hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> update(eve, DEFAULT, config(0, 5)))).hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> eve.transferNode(TransferNodeRequest.newBuilder()
                .setSourceResourceGroup(DEFAULT).setTargetResourceGroup("rg").setNumNode(1).build())))
                .hasMessageContaining("PERMISSION_DENIED");
        assertThat(catchThrowable(() -> eve.transferReplica(TransferReplicaRequest.newBuilder()
                .setCollectionName("c").setSourceResourceGroup(DEFAULT).setTargetResourceGroup("rg").setNumReplica(1)
                .build()))).hasMessageContaining("PERMISSION_DENIED");
        SmallCollection.ok(create(root, "rg", config(0, 0)));
    }

    private MilvusServiceBlockingStub as(String user, String password) {
        return MilvusServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(new WireHeaders(WireHeaders.basic(user, password), null))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }
}
