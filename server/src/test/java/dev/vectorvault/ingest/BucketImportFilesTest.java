package dev.vectorvault.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.io.LocalDisk;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketImportFilesTest {
    @TempDir
    Path dir;

    @Test
    void anObjectIsReadWholeAcrossManyChunks() throws Exception {
        long seed = System.nanoTime();
        System.out.println("BucketImportFilesTest seed=" + seed);
        byte[] bytes = new byte[(3 << 20) + 12345];
        new Random(seed).nextBytes(bytes);
        LocalDisk bucket = LocalDisk.open(dir);
        bucket.write("uploads/2026/rows.json", bytes);
        BucketImportFiles files = new BucketImportFiles(bucket);
        assertThat(files.check("uploads/2026/rows.json")).isEqualTo(-1);
        try (InputStream in = files.open("uploads/2026/rows.json")) {
            assertThat(in.readAllBytes()).as("seed %d", seed).isEqualTo(bytes);
        }
    }

    @Test
    void aMissingObjectIsReportedWhenOpenedNotWhenChecked() throws Exception {
        BucketImportFiles files = new BucketImportFiles(LocalDisk.open(dir));
        assertThat(files.check("nothing.json")).isEqualTo(-1);
        assertThatThrownBy(() -> files.open("nothing.json")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void keysThatEscapeTheRootNameTheServersObjectsOrHideThemBehindDotOrEmptyStepsAreRefused() throws Exception {
        LocalDisk bucket = LocalDisk.open(dir);
        bucket.write("insert_log/1/2/2.seg", new byte[] {1});
        BucketImportFiles files = new BucketImportFiles(bucket);
        for (String key : new String[] {"", " ", "/abs.json", "\\abs.json", "../up.json", "a/../../up.json",
                "a/..", "a\\b.json", "insert_log/1/2/2.seg", "delta_log/1/2/2.del", "index_files/x.idx",
                "segments/1/2.seg", "./insert_log/1/2/2.seg", "uploads/./rows.json", "uploads//rows.json",
                "uploads/"}) {
            assertThatThrownBy(() -> files.check(key)).as(key).isInstanceOf(MilvusException.class)
                    .hasMessageContaining("refused");
            assertThatThrownBy(() -> files.open(key)).as(key).isInstanceOf(MilvusException.class);
        }
    }
}
