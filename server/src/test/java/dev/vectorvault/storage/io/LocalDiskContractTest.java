package dev.vectorvault.storage.io;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LocalDiskContractTest extends ObjectStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore store() throws IOException {
        return LocalDisk.open(dir.resolve("store"));
    }
}
