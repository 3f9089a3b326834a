package dev.vectorvault.storage.wal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link WalCrashTest} kills: appends with {@link Durability#FSYNC} from several threads and reports
 * {@code ack <id>} on standard output after each append returns, until it is killed.
 *
 * <p>Arguments: log directory, roll size in bytes, first record id, number of appender threads.
 */
public final class WalCrashChild {
    private WalCrashChild() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long rollSizeBytes = Long.parseLong(args[1]);
        AtomicLong ids = new AtomicLong(Long.parseLong(args[2]));
        int threads = Integer.parseInt(args[3]);
        // Unbuffered, and each line goes out in one write() of under PIPE_BUF bytes, so the parent never sees an
        // "ack" for a record whose append had not returned, nor half a line.
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        WriteAheadLog log = WriteAheadLog.open(dir, Durability.FSYNC, rollSizeBytes);
        report(stdout, "ready");
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                while (true) {
                    long id = ids.getAndIncrement();
                    log.append(payload(id));
                    report(stdout, "ack " + id);
                }
            }, "appender-" + t).start();
        }
    }

    /** The record for an id: the id, then filler whose length and bytes derive from it, so garbling shows. */
    static byte[] payload(long id) {
        int fillerLength = (int) Math.floorMod(id * 7919, 300L);
        ByteBuffer payload = ByteBuffer.allocate(Long.BYTES + fillerLength).putLong(id);
        for (int i = 0; i < fillerLength; i++) {
            payload.put((byte) (id * 31 + i));
        }
        return payload.array();
    }

    private static void report(FileOutputStream stdout, String line) {
        synchronized (stdout) {
            try {
                stdout.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException("parent stopped reading", e);
            }
        }
    }
}
