package dev.vectorvault.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.common.resourcegroup.ResourceGroupConfig;
import io.milvus.common.resourcegroup.ResourceGroupLimit;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.resourcegroup.request.CreateResourceGroupReq;
import io.milvus.v2.service.resourcegroup.request.DescribeResourceGroupReq;
import io.milvus.v2.service.resourcegroup.request.DropResourceGroupReq;
import io.milvus.v2.service.resourcegroup.request.ListResourceGroupsReq;
import io.milvus.v2.service.resourcegroup.response.DescribeResourceGroupResp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Java SDK v2's resource-group calls against the server process: create, list, describe, drop and a refusal. */
@Timeout(300)
class JavaV2ResourceGroupTest {
    @TempDir
    Path dataDir;

    @Test
    void aGroupTakesTheServersNodeAndIsListedDescribedAndDropped() {
        try (ServerProcess server = ServerProcess.start(dataDir, Map.of())) {
            MilvusClientV2 client = Clients.connect(server, b -> b);
            client.createResourceGroup(CreateResourceGroupReq.builder().groupName("rg").config(ResourceGroupConfig
                    .newBuilder().withRequests(new ResourceGroupLimit(1)).withLimits(new ResourceGroupLimit(1))
                    .build()).build());
            assertThat(client.listResourceGroups(ListResourceGroupsReq.builder().build()).getGroupNames())
                    .containsExactlyInAnyOrder("__default_resource_group", "rg");

            DescribeResourceGroupResp rg = client.describeResourceGroup(DescribeResourceGroupReq.builder()
                    .groupName("rg").build());
            assertThat(rg.getNumberOfAvailableNode()).isEqualTo(1);
            assertThat(rg.getConfig().getRequests().getNodeNum()).isEqualTo(1);
            assertThat(rg.getNodes()).singleElement().satisfies(node -> assertThat(node.getAddress()).isNotEmpty());
            assertThat(client.describeResourceGroup(DescribeResourceGroupReq.builder()
                    .groupName("__default_resource_group").build()).getNumberOfAvailableNode()).isZero();

            assertThatThrownBy(() -> client.dropResourceGroup(DropResourceGroupReq.builder().groupName("rg").build()))
                    .hasMessageContaining("resource group's limits node num is not 0");
            assertThatThrownBy(() -> client.describeResourceGroup(DescribeResourceGroupReq.builder()
                    .groupName("nope").build())).hasMessageContaining("resource group not found");
            client.close();
        }
    }
}
