package dev.vectorvault.ingest;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Factory;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.xerial.snappy.Snappy;

/**
 * Parquet files for tests, written with parquet-java as pyarrow lays them out (three-level lists named
 * {@code list}/{@code element}), with no Hadoop on the way: compressors called directly, as the reader's are.
 */
public final class ParquetFiles {
    private ParquetFiles() {}

    /**
     * Writes {@code rows} rows of {@code schema} (Parquet's schema text) to {@code file}; {@code fill} sets row
     * {@code i}'s values. {@code rowGroupBytes} small makes many row groups.
     */
    public static void write(Path file, String schema, CompressionCodecName codec, int rows, long rowGroupBytes,
                             BiConsumer<Group, Integer> fill) {
        MessageType type = MessageTypeParser.parseMessageType(schema);
        SimpleGroupFactory groups = new SimpleGroupFactory(type);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withType(type).withCodecFactory(new Compressors())
                .withCompressionCodec(codec).withRowGroupSize(rowGroupBytes).withPageSize(4096)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (int i = 0; i < rows; i++) {
                Group row = groups.newGroup();
                fill.accept(row, i);
                writer.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a three-level list value to {@code row}'s field {@code name}. */
    public static void list(Group row, String name, List<?> values) {
        Group list = row.addGroup(name);
        for (Object value : values) {
            Group element = list.addGroup("list");
            if (value instanceof Float f) {
                element.append("element", f);
            } else if (value instanceof Double d) {
                element.append("element", d);
            } else if (value instanceof Long l) {
                element.append("element", l);
            } else if (value instanceof Integer i) {
                element.append("element", i);
            } else if (value instanceof Boolean b) {
                element.append("element", b);
            } else if (value != null) {
                element.append("element", (String) value);
            }
        }
    }

    private static final class Compressors implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) throws IOException {
                    byte[] in = bytes.toByteArray();
                    return BytesInput.from(switch (codec) {
                        case UNCOMPRESSED -> in;
                        case SNAPPY -> Snappy.compress(in);
                        case ZSTD -> Zstd.compress(in);
                        case LZ4_RAW -> LZ4Factory.fastestInstance().fastCompressor().compress(in);
                        case GZIP -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                                gzip.write(in);
                            }
                            yield out.toByteArray();
                        }
                        default -> throw new IllegalArgumentException("no test compressor for " + codec);
                    });
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return codec;
                }

                @Override
                public void release() {
                }
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            throw new UnsupportedOperationException("write only");
        }

        @Override
        public void release() {
        }
    }
}
