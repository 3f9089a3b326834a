package dev.vectorvault.storage.s3;

import dev.vectorvault.config.ServerConfig.ObjectStorageSettings;
import dev.vectorvault.storage.io.ObjectStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} on an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, s3proxy), names under
 * {@code <minio.rootPath>/}. The contract holds through S3's own guarantees: a PUT replaces an object whole and
 * atomically and is durable when acknowledged; reads are strongly consistent after a write (AWS since 2020, MinIO,
 * RGW); DELETE of an absent key succeeds. A missing object is a {@link NoSuchFileException}; any other failure an
 * {@link IOException} whose message names the bucket and key and says whether the store refused the call (with
 * S3's error code) or could not be reached in {@code minio.requestTimeoutMs}. No message or {@code toString} ever
 * shows the secret key. Objects are limited to 5 GiB (one PUT). Thread-safe.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    private static final String DEFAULT_REGION = "us-east-1";
    private static final int NOT_FOUND = 404;
    private static final int RANGE_NOT_SATISFIABLE = 416;

    private final S3Client s3;
    private final String bucket;
    /** "" or the root path with a trailing '/'. */
    private final String root;
    private final String endpoint;

    private S3ObjectStore(S3Client s3, String bucket, String rootPath, String endpoint) {
        this.s3 = s3;
        this.bucket = bucket;
        this.root = rootPath.isEmpty() ? "" : rootPath + "/";
        this.endpoint = endpoint;
    }

    /**
     * Connects and creates the bucket if it does not exist yet.
     *
     * @throws IOException naming the endpoint and bucket when the store cannot be reached or refuses the
     *                     credentials or the bucket
     */
    public static S3ObjectStore open(ObjectStorageSettings settings) throws IOException {
        if (!"aws".equals(settings.cloudProvider())) {
            throw new IllegalArgumentException("minio.cloudProvider " + settings.cloudProvider()
                    + " is not supported (aws only)");
        }
        Duration timeout = Duration.ofMillis(settings.requestTimeoutMs());
        String region = settings.region().isEmpty() ? DEFAULT_REGION : settings.region();
        S3Client client = S3Client.builder()
                .endpointOverride(URI.create(settings.endpoint()))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.accessKeyId(), settings.secretAccessKey().reveal())))
                .forcePathStyle(!settings.useVirtualHost())
                // Checksums only where S3 requires them: S3-compatible servers differ in the newer trailing
                // checksums; every file we store carries its own CRC32C anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout))
                // One bound for a whole call, its retries included: a silent store must not hold a checkpoint.
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(timeout)
                        .build())
                .build();
        S3ObjectStore store = new S3ObjectStore(client, settings.bucketName(), settings.rootPath(),
                settings.endpoint());
        try {
            store.ensureBucket(region);
            return store;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void ensureBucket(String region) throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return;
        } catch (S3Exception e) {
            if (e.statusCode() != NOT_FOUND) {
                throw failure("open bucket", "", e);
            }
        } catch (SdkException e) {
            throw failure("open bucket", "", e);
        }
        try {
            if (DEFAULT_REGION.equals(region)) {
                s3.createBucket(b -> b.bucket(bucket));
            } else {
                s3.createBucket(b -> b.bucket(bucket).createBucketConfiguration(
                        CreateBucketConfiguration.builder().locationConstraint(region).build()));
            }
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw failure("create bucket", "", e);
            }
        } catch (SdkException e) {
            throw failure("create bucket", "", e);
        }
    }

    private String key(String name) {
        if (name.isEmpty() || name.startsWith("/")) {
            throw new IllegalArgumentException("not a relative object name: '" + name + "'");
        }
        return root + name;
    }

    @Override
    public String describe(String name) {
        return "s3://" + bucket + "/" + root + name;
    }

    @Override
    public void write(String name, Contents contents) throws IOException {
        String key = key(name);
        // Spilled to a file (owner-only, like every temporary file) so a large index file needs no heap, and so the
        // PUT knows its length and can be retried.
        Path spill = Files.createTempFile("vectorvault-s3-", ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16)) {
                contents.writeTo(out);
            }
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(spill));
        } catch (SdkException e) {
            throw failure("write", name, e);
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    @Override
    public long size(String name) throws IOException {
        String key = key(name);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return head.contentLength();
        } catch (SdkException e) {
            throw failure("read the size of", name, e);
        }
    }

    @Override
    public int read(String name, long position, ByteBuffer into) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (!into.hasRemaining()) {
            return 0;
        }
        String key = key(name);
        long last = position + into.remaining() - 1;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key)
                .range("bytes=" + position + "-" + last))) {
            if (in.response().contentRange() == null) {
                // A server that ignores ranges sends the whole object.
                in.skipNBytes(position);
            }
            return readInto(in, into);
        } catch (S3Exception e) {
            if (e.statusCode() == RANGE_NOT_SATISFIABLE) {
                return -1; // at or past the end
            }
            throw failure("read", name, e);
        } catch (SdkException e) {
            throw failure("read", name, e);
        } catch (java.io.EOFException e) {
            return -1; // the whole-object fallback: position past the end
        }
    }

    private static int readInto(InputStream in, ByteBuffer into) throws IOException {
        int total = 0;
        byte[] chunk = new byte[Math.min(into.remaining(), 1 << 16)];
        while (into.hasRemaining()) {
            int n = in.read(chunk, 0, Math.min(chunk.length, into.remaining()));
            if (n < 0) {
                break;
            }
            into.put(chunk, 0, n);
            total += n;
        }
        return total == 0 ? -1 : total;
    }

    @Override
    public byte[] readAll(String name) throws IOException {
        String key = key(name);
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return bytes.asByteArrayUnsafe();
        } catch (SdkException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        try {
            size(name);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(root + prefix).build();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                // A key ending in '/' is a folder marker (some servers list their folders so), never one of ours.
                if (object.key().startsWith(root + prefix) && !object.key().endsWith("/")) {
                    names.add(object.key().substring(root.length()));
                }
            }
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name) throws IOException {
        String key = key(name);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() != NOT_FOUND) {
                throw failure("delete", name, e);
            }
        } catch (SdkException e) {
            throw failure("delete", name, e);
        }
    }

    /**
     * The failure as the ObjectStore contract states it: a 404 is a missing object, anything else an IOException
     * saying what was attempted where and why (S3's status and error code, or the client's reason). The SDK's
     * messages hold no credentials; the request ids they carry help the operator find the call in the store's log.
     */
    private IOException failure(String action, String name, SdkException e) {
        String where = name.isEmpty() ? "s3://" + bucket : describe(name);
        if (e instanceof S3Exception s3e) {
            if (s3e.statusCode() == NOT_FOUND && !name.isEmpty()) {
                NoSuchFileException missing = new NoSuchFileException(where);
                missing.initCause(e);
                return missing;
            }
            String code = s3e.awsErrorDetails() == null ? "" : " " + s3e.awsErrorDetails().errorCode();
            return new IOException("object storage at " + endpoint + " refused to " + action + " " + where
                    + ": HTTP " + s3e.statusCode() + code, e);
        }
        return new IOException("object storage at " + endpoint + " unreachable: cannot " + action + " " + where
                + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + "s3://" + bucket + "/" + root + " at " + endpoint + "]";
    }
}
