package dev.vectorvault.ingest;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4Factory;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * The page decompressors of a Parquet import, called directly instead of through parquet-hadoop's codec factory,
 * which would need Hadoop's codec classes (and its {@code Configuration}) at run time. SNAPPY is what pyarrow and the
 * SDKs' bulk writers write by default; ZSTD, GZIP and LZ4_RAW cost nothing more (kafka-clients brings their
 * libraries). A page that claims more bytes than the file's footer allows for its column is taken as corrupt rather
 * than allocated.
 */
final class ParquetCodecs implements CompressionCodecFactory {
    static final Set<CompressionCodecName> SUPPORTED = Set.of(CompressionCodecName.UNCOMPRESSED,
            CompressionCodecName.SNAPPY, CompressionCodecName.ZSTD, CompressionCodecName.GZIP,
            CompressionCodecName.LZ4_RAW);

    private volatile long maxPageBytes;

    /** Once the footer is read: the largest uncompressed column chunk it names, so no honest page is larger. */
    void limitPagesTo(long bytes) {
        this.maxPageBytes = Math.min(bytes, Integer.MAX_VALUE - 16);
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("import reads Parquet files, it never writes them");
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        if (!SUPPORTED.contains(codec)) {
            // checked against the footer when the file is opened; a column chunk cannot name another codec later
            throw new IllegalStateException("compression " + codec + " is not supported");
        }
        return new Decompressor(codec);
    }

    @Override
    public void release() {
        // nothing held: each page is decompressed into a fresh array
    }

    private final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName codec;

        Decompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(in, uncompressedSize));
        }

        private byte[] decompress(byte[] in, int size) throws IOException {
            if (size < 0 || size > maxPageBytes) {
                throw new IOException("corrupt page: it claims " + size + " bytes uncompressed, more than its"
                        + " column chunk holds");
            }
            byte[] out = switch (codec) {
                case UNCOMPRESSED -> in;
                case SNAPPY -> {
                    if (!Snappy.isValidCompressedBuffer(in) || Snappy.uncompressedLength(in) != size) {
                        throw new IOException("corrupt SNAPPY page");
                    }
                    yield Snappy.uncompress(in);
                }
                case ZSTD -> Zstd.decompress(in, size);
                case GZIP -> {
                    try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(in))) {
                        yield gzip.readNBytes(size);
                    }
                }
                case LZ4_RAW -> LZ4Factory.fastestInstance().safeDecompressor().decompress(in, size);
                default -> throw new IllegalStateException("not a supported codec: " + codec);
            };
            if (out.length != size) {
                throw new IOException("corrupt " + codec + " page: " + out.length + " bytes where " + size
                        + " were announced");
            }
            return out;
        }

        @Override
        public void release() {
            // nothing held
        }
    }
}
