package dev.vectorvault.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vectorvault.storage.StorageException;
import io.milvus.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Storage failures reach the client as Milvus statuses that name the cause (not "internal error"), and the server
 * warns at start-up about a data folder that others may read.
 */
@Timeout(60)
class StorageFailureStatusTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskIsMilvusDiskLimitExceeded() {
        Status status = StatusMapper.of(StorageException.io("write", "/data/wal/wal-1.log",
                new IOException("No space left on device")));
        assertThat(status.getCode()).isEqualTo(7);
        assertThat(status.getReason()).startsWith("disk limit exceeded").contains("/data/wal/wal-1.log")
                .doesNotContain("internal error");
    }

    @Test
    void aFailedFsyncAndACorruptFileAreMilvusIoFailedNamingTheFile() {
        Status fsync = StatusMapper.of(StorageException.fsyncFailed("/data/wal/wal-1.log",
                new IOException("Input/output error")));
        assertThat(fsync.getCode()).isEqualTo(1001);
        assertThat(fsync.getReason()).contains("fsync", "/data/wal/wal-1.log");
        Status corrupt = StatusMapper.of(StorageException.corrupt("/data/segments/1/2.seg", 40, "checksum mismatch"));
        assertThat(corrupt.getCode()).isEqualTo(1001);
        assertThat(corrupt.getReason()).contains("data corrupted", "/data/segments/1/2.seg", "byte offset 40");
    }

    @Test
    void startUpWarnsOncePerDataFolderPathThatOthersMayRead() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path meta = Files.write(data.resolve("meta.mv.db"), new byte[1]);
        Files.setPosixFilePermissions(meta, PosixFilePermissions.fromString("rw-r--r--"));
        Logger logger = (Logger) LoggerFactory.getLogger(MilvusServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            MilvusServer.warnAboutLoosePermissions(data);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list).allMatch(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("path=" + data.toAbsolutePath() + ":"))
                .anySatisfy(line -> assertThat(line).contains("path=" + meta.toAbsolutePath() + ":"));
    }
}
