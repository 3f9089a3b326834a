package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static dev.vectorvault.query.EntityFixture.keys;
import static dev.vectorvault.query.EntityFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection TTL ({@code collection.ttl.seconds}) through the writer and reader, on a hand-moved clock: expired
 * rows are invisible to search (an HNSW-indexed sealed segment and the growing one), query, get, count(*) and
 * delete by expression; a search still returns k live rows; a TTL change applies at once; a restart keeps the
 * insert times; a manual compaction removes expired rows for good.
 */
@Timeout(120)
class EntityTtlTest {
    private static final int DIM = 8;
    private static final long T0 = 1_750_000_000_000L;

    @TempDir
    Path dir;
    private EntityFixture fx;
    private final AtomicLong now = new AtomicLong(T0);
    private final Random random = new Random(11);

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private void insert(long from, long to) {
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        for (long k = from; k < to; k++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
            }
            ids.add(k);
            vecs.add(v);
        }
        fx.writer.insert(DB, "t", "", batch(ids.size(), "id", ids, "vec", vecs));
    }

    private long count() {
        return fx.reader.query(query("t", "", List.of("count(*)"), 0, 0)).count();
    }

    private List<Object> searchKeys(int topK) {
        return keys(fx.reader.search(EntityFixture.search("t", new float[][] {new float[DIM]}, topK, "")));
    }

    private void ttl(String seconds) {
        fx.catalog.alterProperties(DB, "t", Map.of("collection.ttl.seconds", seconds), List.of());
    }

    @Test
    void expiredRowsVanishFromEveryReadAndCompactionRemovesThem() throws InterruptedException {
        fx = new EntityFixture(dir, 1100);
        fx.clock = now::get;
        fx.data.useClock(now::get);
        fx.catalog.createCollection(DB, "t", schema(int64Key("id"), vector("vec", DIM)), 1,
                ConsistencyLevel.STRONG, Map.of("collection.ttl.seconds", "30"));
        fx.indexes.create(DB, "t", "vec", "", "HNSW", RequestedMetric.of(MetricType.L2), Map.of());
        fx.indexes.load(DB, "t");
        insert(0, 600); // at T0
        now.set(T0 + 20_000);
        insert(600, 1100); // the first segment seals with the next put: half of it will expire
        insert(1100, 1400);
        Collection collection = fx.catalog.collection(DB, "t");
        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, "vec");
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, "vec");
        }
        assertThat(progress.finished()).as("HNSW built over the sealed segment").isTrue();

        assertThat(count()).isEqualTo(1400);
        now.set(T0 + 30_000);
        assertThat(count()).as("insert time plus TTL equal to now: not yet expired").isEqualTo(1400);
        now.set(T0 + 30_001);
        assertThat(count()).isEqualTo(800);
        List<Object> found = searchKeys(100);
        assertThat(found).as("k live rows, none expired").hasSize(100)
                .allSatisfy(k -> assertThat((Long) k).isGreaterThanOrEqualTo(600));
        assertThat(keys(fx.reader.query(query("t", "id in [5, 700, 1200]", List.of("id"), 0, 0))))
                .containsExactlyInAnyOrder(700L, 1200L);
        assertThat(fx.reader.query(query("t", "id < 650", List.of("id"), 0, 0)).rows()).hasSize(50);

        assertThat(fx.writer.delete(DB, "t", "", "id < 610", Map.of()).count())
                .as("delete by expression sees only live rows").isEqualTo(10);
        ttl("0");
        assertThat(count()).as("a TTL change applies to existing rows at once").isEqualTo(1390);
        ttl("30");
        assertThat(count()).isEqualTo(790);

        fx.restart();
        fx.data.useClock(now::get);
        assertThat(count()).as("insert times survive a restart").isEqualTo(790);

        fx.data.checkpoint();
        fx.data.compact(Layouts.of(fx.catalog.collection(DB, "t")), Set.of());
        ttl("0");
        assertThat(count()).as("compaction removed the expired rows for good").isEqualTo(790);
        insert(0, 10);
        assertThat(count()).as("a key whose row was compacted away is inserted anew").isEqualTo(800);
    }

    @Test
    void theServersDefaultTtlAppliesToCollectionsWithoutTheProperty() {
        fx = new EntityFixture(dir, 1100);
        fx.clock = now::get;
        fx.data.useClock(now::get);
        fx.data.expireByDefault(30); // common.entityExpiration
        fx.catalog.createCollection(DB, "t", schema(int64Key("id"), vector("vec", DIM)), 1,
                ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "t", "vec", "", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        fx.indexes.load(DB, "t");
        insert(0, 10);
        now.set(T0 + 30_001);
        assertThat(count()).as("no property: the default TTL expired the rows").isZero();
        ttl("60");
        assertThat(count()).as("the collection's property wins over the default").isEqualTo(10);
        ttl("-1");
        assertThat(count()).as("-1 says never, whatever the default").isEqualTo(10);
        fx.catalog.alterProperties(DB, "t", Map.of(), List.of("collection.ttl.seconds"));
        assertThat(count()).as("the property dropped: the default again").isZero();
        fx.data.expireByDefault(-1);
        assertThat(count()).as("no default: nothing expires").isEqualTo(10);
    }
}
