package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.catalog.Partition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TruncateCollection removes every row, sealed or growing, in every partition, for good (across restarts), and
 * keeps the collection: schema, partitions by name, indexes, aliases and load state.
 */
@Timeout(60)
class TruncateCollectionTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;

    private EntityFixture fx;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 16); // 16-row segments: most rows below are sealed
        fx.createLoaded("t", schema(int64Key("id"), vector("vec", DIM), field("n", DataType.INT64)), "L2");
        fx.catalog.createPartition(DB, "t", "p1");
        fx.catalog.createAlias(DB, "t_alias", "t");
        insert("_default", 0, 70);
        insert("p1", 70, 30);
        fx.data.checkpoint(); // the first rows in segment files, the rest only in the log
        insert("_default", 100, 5);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void insert(String partition, long from, int n) {
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> ns = new ArrayList<>();
        for (long k = from; k < from + n; k++) {
            ids.add(k);
            vecs.add(new float[] {k, 1, 0, -k});
            ns.add(k % 5);
        }
        fx.writer.insert(DB, "t", partition, batch(n, "id", ids, "vec", vecs, "n", ns));
    }

    private List<Object> allKeys(String collection) {
        return keys(fx.reader.query(EntityFixture.query(collection, "id >= 0", List.of("id"), 10_000, 0)));
    }

    @Test
    void everyRowGoesAndStaysGoneWhileTheCollectionStays() {
        assertThat(allKeys("t")).hasSize(105);
        Collection before = fx.catalog.collection(DB, "t");
        fx.catalog.truncateCollection(DB, "t");

        Collection after = fx.catalog.collection(DB, "t");
        assertThat(allKeys("t")).isEmpty();
        assertThat(after.collectionId()).isEqualTo(before.collectionId());
        assertThat(after.partitions()).extracting(Partition::name).containsExactly("_default", "p1");
        assertThat(after.partitions()).allMatch(Partition::loaded);
        assertThat(after.indexes()).isEqualTo(before.indexes());
        assertThat(fx.catalog.aliasesOf(after)).containsExactly("t_alias");

        insert("p1", 500, 3); // writable at once, through its alias too
        fx.writer.insert(DB, "t_alias", "", batch(1, "id", List.of(7L), "vec", List.of(new float[DIM]),
                "n", List.of(1L)));
        assertThat(allKeys("t")).containsExactlyInAnyOrder(500L, 501L, 502L, 7L);

        fx.restart(); // the log still holds the old rows, the segment files too: neither may come back
        assertThat(allKeys("t")).containsExactlyInAnyOrder(500L, 501L, 502L, 7L);
        float[][] q = {{3, 1, 0, -3}};
        assertThat(keys(fx.reader.search(EntityFixture.search("t", q, 10, "")))).hasSize(4);
        fx.data.checkpoint();
        fx.restart();
        assertThat(allKeys("t_alias")).containsExactlyInAnyOrder(500L, 501L, 502L, 7L);
    }

    @Test
    void anUnknownCollectionIsNotFound() {
        EntityFixture.failsWith(dev.vectorvault.common.ErrorCode.COLLECTION_NOT_FOUND,
                () -> fx.catalog.truncateCollection(DB, "nope"));
        assertThat(allKeys("t")).hasSize(105);
    }
}
