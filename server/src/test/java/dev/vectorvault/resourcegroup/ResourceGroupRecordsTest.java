package dev.vectorvault.resourcegroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The resource group records: the frozen format version 1 records (group, replica groups, membership; under
 * {@code formats/v1/records}) read back, a record written now reads back equal, and a record of another version is
 * refused rather than half understood.
 */
class ResourceGroupRecordsTest {

    private static byte[] frozen(String name) throws Exception {
        return Files.readAllBytes(Path.of(ResourceGroupRecordsTest.class.getResource("/formats/v1/records/" + name)
                .toURI()));
    }

    @Test
    void theFrozenVersionOneGroupRecordReads() throws Exception {
        ResourceGroupRecords.GroupRecord record = ResourceGroupRecords.decodeGroup("resource-group/rg_frozen",
                frozen("resource-group.json"));
        assertThat(record.name()).isEqualTo("rg_frozen");
        assertThat(record.config()).isEqualTo(new ResourceGroupConfig(1, 3, List.of(ResourceGroups.DEFAULT_GROUP),
                List.of(), Map.of("zone", "a")));
    }

    @Test
    void theFrozenVersionOneReplicaRecordReads() throws Exception {
        ResourceGroupRecords.ReplicaRecord record = ResourceGroupRecords.decodeReplicas(
                "resource-group-replica/465123456789", frozen("resource-group-replica.json"));
        assertThat(record.collectionId()).isEqualTo(465123456789L);
        assertThat(record.replicaGroups()).containsExactlyInAnyOrderEntriesOf(Map.of(452312848583266304L, "rg_frozen",
                452312848583266305L, ResourceGroups.DEFAULT_GROUP));
    }

    @Test
    void theFrozenVersionOneMembershipRecordReads() throws Exception {
        ResourceGroupRecords.MembershipRecord record = ResourceGroupRecords.decodeMembership(
                ResourceGroupRecords.MEMBERSHIP_KEY, frozen("resource-group-nodes.json"));
        assertThat(record.revision()).isEqualTo(7);
        assertThat(record.nodes()).containsExactlyInAnyOrderEntriesOf(Map.of(ResourceGroups.DEFAULT_GROUP,
                List.of(3L, 9L), "rg_frozen", List.of(4L)));
        assertThat(ResourceGroupRecords.encodeMembership(7, record.nodes()))
                .as("the writer of today writes the frozen bytes").isEqualTo(frozen("resource-group-nodes.json"));
    }

    @Test
    void recordsWrittenNowReadBackEqual() {
        ResourceGroupConfig config = new ResourceGroupConfig(2, 4, List.of("a"), List.of("b"), Map.of("k", "v"));
        byte[] group = ResourceGroupRecords.encodeGroup("g", config);
        assertThat(ResourceGroupRecords.decodeGroup("k", group).config()).isEqualTo(config);
        assertThat(new String(group, StandardCharsets.UTF_8)).contains("\"formatVersion\":1");
        byte[] replicas = ResourceGroupRecords.encodeReplicas(9, Map.of(90L, "g"));
        assertThat(ResourceGroupRecords.decodeReplicas("k", replicas).replicaGroups()).containsExactly(
                Map.entry(90L, "g"));
    }

    @Test
    void aRecordOfAnotherVersionIsRefused() {
        byte[] future = "{\"formatVersion\":2,\"name\":\"g\",\"config\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ResourceGroupRecords.decodeGroup("resource-group/g", future))
                .isInstanceOf(MilvusException.class).hasMessageContaining("format version 2");
    }
}
