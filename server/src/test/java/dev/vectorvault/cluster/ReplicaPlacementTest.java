package dev.vectorvault.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replica placement record ({@code root-coord/cluster/collection-replicas/<id>}): format version 1 as written
 * before resource groups (the frozen record under {@code formats/v1/records}) reads back with every replica in the
 * default group, a record written now (version 2) reads back equal with its groups, and a record of another version,
 * or of version 2 without a group, is refused rather than half understood.
 */
class ReplicaPlacementTest {

    @Test
    void theFrozenVersionOneRecordReads() throws Exception {
        byte[] frozen = Files.readAllBytes(Path.of(getClass()
                .getResource("/formats/v1/records/replica-placement.json").toURI()));
        ReplicaPlacement placement = ReplicaPlacement.decode(frozen);
        assertThat(placement.collectionId()).isEqualTo(465123456789L);
        assertThat(placement.replicas()).containsExactly(
                new ReplicaPlacement.Replica(452312848583266304L, 1),
                new ReplicaPlacement.Replica(452312848583266305L, 3));
        assertThat(placement.replicas()).extracting(ReplicaPlacement.Replica::resourceGroup)
                .containsOnly("__default_resource_group");
        assertThat(placement.servedBy(3)).isTrue();
        assertThat(placement.servedBy(2)).isFalse();
    }

    @Test
    void aRecordWrittenNowReadsBackEqual() {
        ReplicaPlacement placement = new ReplicaPlacement(7, List.of(new ReplicaPlacement.Replica(70, 2, "rg1"),
                new ReplicaPlacement.Replica(71, 5, "rg2")));
        assertThat(ReplicaPlacement.decode(placement.encode())).isEqualTo(placement);
        assertThat(new String(placement.encode(), StandardCharsets.UTF_8)).contains("\"formatVersion\":2")
                .contains("\"resourceGroup\":\"rg2\"");
    }

    @Test
    void aRecordOfAnotherVersionIsRefused() {
        byte[] future = "{\"formatVersion\":3,\"collectionId\":1,\"replicas\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReplicaPlacement.decode(future)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("format version 3");
    }

    @Test
    void aVersionTwoReplicaWithoutAGroupIsRefused() {
        byte[] noGroup = "{\"formatVersion\":2,\"collectionId\":1,\"replicas\":[{\"replicaId\":5,\"nodeId\":1}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReplicaPlacement.decode(noGroup)).isInstanceOf(MilvusException.class)
                .hasMessageContaining("names no resource group");
    }
}
