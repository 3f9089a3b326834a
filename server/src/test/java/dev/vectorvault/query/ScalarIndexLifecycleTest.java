package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.ConsistencyLevel;
import dev.vectorvault.catalog.DataType;
import dev.vectorvault.index.MetricType;
import dev.vectorvault.index.RequestedMetric;
import dev.vectorvault.storage.data.IndexProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scalar index's life on disk: built per sealed segment into a file of its own, loaded from it after a restart,
 * rebuilt (and its file rewritten) when the file is damaged, reported as pending then finished, and gone with
 * DropIndex: no segment answers from it and its files are deleted at the next checkpoint.
 */
@Timeout(120)
class ScalarIndexLifecycleTest {
    @TempDir
    Path dir;

    private EntityFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void filesAreLoadedRebuiltWhenDamagedAndDeletedWithTheIndex() throws Exception {
        fx = new EntityFixture(dir, 1100);
        fx.catalog.createCollection(DB, "l", schema(int64Key("id"), vector("vec", 2), field("tag", DataType.INT64)),
                1, ConsistencyLevel.STRONG, Map.of());
        fx.indexes.create(DB, "l", "vec", "", "FLAT", RequestedMetric.of(MetricType.L2), Map.of());
        fx.indexes.load(DB, "l");
        List<Object> ids = new ArrayList<>();
        List<Object> vecs = new ArrayList<>();
        List<Object> tags = new ArrayList<>();
        for (long k = 0; k < 2500; k++) {
            ids.add(k);
            vecs.add(new float[] {k, 1});
            tags.add(k % 50);
        }
        fx.writer.insert(DB, "l", "", batch(2500, "id", ids, "vec", vecs, "tag", tags));
        fx.indexes.create(DB, "l", "tag", "", "STL_SORT", RequestedMetric.none(), Map.of());
        waitFor("tag");
        assertThat(segmentsWithIndex()).isEqualTo(2);
        List<Path> files = indexFiles();
        assertThat(files).hasSize(2);
        assertThat(count("tag == 7")).isEqualTo(50);

        fx.data.checkpoint();
        byte[] good = Files.readAllBytes(files.get(0));
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x55;
        fx.restart();
        waitFor("tag");
        assertThat(segmentsWithIndex()).as("loaded from the files").isEqualTo(2);
        Files.write(files.get(0), damaged); // the index in memory is unaffected; the next start reads the file
        fx.restart();
        waitFor("tag");
        assertThat(segmentsWithIndex()).isEqualTo(2);
        assertThat(Files.readAllBytes(files.get(0))).as("rebuilt and rewritten").isEqualTo(good);
        assertThat(count("tag == 7")).isEqualTo(50);
        assertThat(count("tag >= 48")).isEqualTo(100);
        // A delete by filter takes its rows from the index too.
        fx.writer.delete(DB, "l", "", "tag == 7 or tag == 8", Map.of());
        assertThat(count("tag == 7 or tag == 8 or id % 50 == 7")).isZero();
        assertThat(count("tag >= 0")).isEqualTo(2400);

        fx.indexes.drop(DB, "l", "tag", "");
        assertThat(segmentsWithIndex()).isZero();
        assertThat(count("tag == 9")).isEqualTo(50);
        fx.data.checkpoint();
        assertThat(indexFiles()).isEmpty();
    }

    private long count(String filter) {
        return fx.reader.query(EntityFixture.query("l", filter, List.of("count(*)"), 0, 0)).count();
    }

    private List<Path> indexFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".scalar-stl-sort-v1.idx")).sorted()
                    .toList();
        }
    }

    private int segmentsWithIndex() {
        Collection collection = fx.catalog.collection(DB, "l");
        return fx.data.read(Layouts.of(collection), view -> {
            int count = 0;
            for (int s = 0; s < view.segmentCount(); s++) {
                count += view.scalarIndex(s, 2) != null ? 1 : 0;
            }
            return count;
        });
    }

    private void waitFor(String field) throws InterruptedException {
        Collection collection = fx.catalog.collection(DB, "l");
        long deadline = System.nanoTime() + 60_000_000_000L;
        IndexProgress progress = fx.reader.indexProgress(collection, field);
        while (!progress.finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            progress = fx.reader.indexProgress(collection, field);
        }
        assertThat(progress.finished()).as("%s", progress).isTrue();
    }
}
