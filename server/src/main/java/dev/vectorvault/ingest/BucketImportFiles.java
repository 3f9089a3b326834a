package dev.vectorvault.ingest;

import dev.vectorvault.storage.data.SealedStorage;
import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ReadHandle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Import files as keys of the deployment's bucket, relative to {@code minio.rootPath} as Milvus takes them (the bulk
 * writer uploads there). A key is checked as a local one is (relative, no {@code ..}), has no {@code .} or empty
 * step, and is refused where the server keeps its own objects ({@code insert_log/}, {@code delta_log/},
 * {@code index_files/}). Existence and size are learnt while the job stages its copy, so a missing object fails the
 * job rather than the request, as in Milvus.
 */
public final class BucketImportFiles implements ImportFiles {
    private static final int CHUNK = 1 << 20;

    private final ObjectStore bucket;

    public BucketImportFiles(ObjectStore bucket) {
        this.bucket = bucket;
    }

    @Override
    public long check(String key) {
        ImportKeys.checkRelative(key);
        if (key.contains("\\")) {
            throw ImportKeys.refused(key, "'\\' is not allowed in an object key");
        }
        // A '.' or empty step names another key in S3 but the same file on a filesystem-backed server (s3proxy's,
        // or an HTTP client that normalises the path), so "./insert_log/..." could reach the server's own objects.
        for (String step : key.split("/", -1)) {
            if (step.isEmpty() || step.equals(".")) {
                throw ImportKeys.refused(key, "empty or '.' steps are not allowed in an object key");
            }
        }
        if (SealedStorage.isServerArea(key)) {
            throw ImportKeys.refused(key, "it names the server's own segment or index objects");
        }
        return -1;
    }

    @Override
    public long size(String key) throws IOException {
        check(key);
        return bucket.size(key);
    }

    @Override
    public InputStream open(String key) throws IOException {
        check(key);
        ReadHandle handle = bucket.openReader(key);
        return new InputStream() {
            private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).limit(0);
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (!chunk.hasRemaining()) {
                    chunk.clear();
                    int n = handle.read(position, chunk);
                    chunk.flip();
                    if (n <= 0) {
                        return -1;
                    }
                    position += n;
                }
                int n = Math.min(length, chunk.remaining());
                chunk.get(into, offset, n);
                return n;
            }

            @Override
            public void close() throws IOException {
                handle.close();
            }
        };
    }
}
