package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AutoCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void enoughLogStartsACheckpointWithoutAnyFlush() throws Exception {
        CollectionLayout layout = DataStoreFixture.layout(7, 70L);
        try (DataExecutors executors = new DataExecutors();
             MvMetaStore meta = MvMetaStore.open(dir.resolve("meta"))) {
            DataStore store = DataStore.open(dir.resolve("data"), Durability.OS_BUFFERED, meta,
                    id -> id == 7 ? Optional.of(layout) : Optional.empty(), 1000, 16 * 1024,
                    IndexBuildSettings.defaults(), executors);
            store.startBackgroundWork();
            for (int batch = 0; batch < 20; batch++) {
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    rows.add(DataStoreFixture.row(batch * 50L + i, "some text to make the record larger"));
                }
                store.put(layout, 70, rows);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (meta.get("data/manifest").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(meta.get("data/manifest")).as("a checkpoint wrote the manifest").isPresent();
            try (Stream<Path> files = Files.walk(dir.resolve("data/segments"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".seg")).count()).isPositive();
            }
            assertThat(store.liveRows(layout, -1)).isEqualTo(1000);
            store.close();
        }
    }
}
