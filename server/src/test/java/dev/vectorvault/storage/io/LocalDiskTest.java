package dev.vectorvault.storage.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.data.DataExecutors;
import dev.vectorvault.storage.data.DataStore;
import dev.vectorvault.storage.data.IndexBuildSettings;
import dev.vectorvault.storage.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local disk: owner-only folders and files (issue 10 finding 8), and the atomic object write. */
@Timeout(60)
class LocalDiskTest {
    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void foldersAndFilesOfTheDataFolderAreOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path root = dir.resolve("localStorage");
        try (DataExecutors executors = new DataExecutors();
             MvMetaStore meta = MvMetaStore.open(root.resolve("meta"))) {
            meta.put("k", new byte[] {1});
            DataStore store = DataStore.open(root.resolve("data"), Durability.FSYNC, meta, id -> Optional.empty(), 10,
                    DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES, IndexBuildSettings.defaults(), executors);
            store.close();
        }
        LocalDisk disk = LocalDisk.open(root.resolve("data"));
        disk.write("segments/1/1.seg", new byte[] {1, 2, 3});
        List<Path> all;
        try (Stream<Path> paths = Files.walk(root)) {
            all = paths.toList();
        }
        assertThat(all).contains(root.resolve("meta").resolve("meta.mv.db"), root.resolve("data/segments/1/1.seg"));
        for (Path path : all) {
            assertThat(mode(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
        }
        assertThat(LocalDisk.loosePermissions(root, 10)).isEmpty();
    }

    @Test
    void loosePermissionsAreFound() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path root = Files.createDirectories(dir.resolve("old"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = Files.write(root.resolve("meta.mv.db"), new byte[1]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path tight = Files.write(root.resolve("tight"), new byte[1]);
        Files.setPosixFilePermissions(tight, PosixFilePermissions.fromString("rw-------"));
        assertThat(LocalDisk.loosePermissions(root, 10)).containsExactlyInAnyOrder(root, file);
    }

    @Test
    void anObjectWriteReplacesWholeAndLeavesNoTemporaryFile() throws IOException {
        LocalDisk disk = LocalDisk.open(dir);
        disk.write("a/b", new byte[] {1});
        disk.write("a/b", new byte[] {2, 2});
        assertThat(disk.readAll("a/b")).containsExactly(2, 2);
        assertThat(disk.list("a/")).containsExactly("a/b");
        disk.delete("a/b");
        disk.delete("a/b");
        assertThat(disk.exists("a/b")).isFalse();
    }
}
