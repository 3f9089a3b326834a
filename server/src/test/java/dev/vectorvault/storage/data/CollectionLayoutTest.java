package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.index.VectorEncoding;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CollectionLayoutTest {
    private static final int[] DIMS = {0, 8, CollectionLayout.SPARSE};

    @Test
    void aBuilderGivenOnlyTheFieldsDescribesOneShardOfExactlySearchedFloat32VectorsWithoutTtl() {
        CollectionLayout layout = CollectionLayout.builder(3, 0, DIMS).build();

        assertThat(layout.shardsNum()).isEqualTo(1);
        assertThat(layout.partitions()).isEmpty();
        assertThat(layout.jsonFields()).containsExactly(false, false, false);
        assertThat(layout.vectorIndexes()).containsOnlyNulls();
        assertThat(layout.vectorEncodings()).containsOnly(VectorEncoding.FLOAT32);
        assertThat(layout.scalarIndexes()).containsOnlyNulls();
        assertThat(layout.createdFields()).as("every field there since creation").isEqualTo(3);
        assertThat(layout.absentValues()).containsOnlyNulls();
        assertThat(layout.ttlSeconds()).isZero();
        assertThat(layout.textMatch()).containsOnlyNulls();
        assertThat(layout.bm25Outputs()).containsExactly(false, false, false);
    }

    @Test
    void toBuilderCarriesEveryPartSoAChangedLayoutDiffersOnlyWhereAsked() {
        CollectionLayout layout = CollectionLayout.builder(3, 0, DIMS).json(true, false, false).partitions(Set.of(9L))
                .shards(4).encodings(null, VectorEncoding.FLOAT16, null).addedFields(2, null, null, "absent")
                .ttlSeconds(60).bm25Outputs(false, false, true).build();

        CollectionLayout changed = layout.withTtlSeconds(CollectionLayout.DEFAULT_TTL);

        assertThat(changed.ttlSeconds()).isEqualTo(CollectionLayout.DEFAULT_TTL);
        assertThat(changed.jsonFields()).containsExactly(true, false, false);
        assertThat(changed.partitions()).containsExactly(9L);
        assertThat(changed.shardsNum()).isEqualTo(4);
        assertThat(changed.encoding(1)).isEqualTo(VectorEncoding.FLOAT16);
        assertThat(changed.createdFields()).isEqualTo(2);
        assertThat(changed.absentValue(2)).isEqualTo("absent");
        assertThat(changed.bm25Output(2)).isTrue();
    }

    @Test
    void partsNotAlignedWithTheFieldsAreRefused() {
        assertThatThrownBy(() -> CollectionLayout.builder(3, 0, DIMS).json(true).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CollectionLayout.builder(3, 0, DIMS).bm25Outputs(false, true, false).build())
                .as("a BM25 output must be a sparse field").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CollectionLayout.builder(3, 0, DIMS).shards(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
