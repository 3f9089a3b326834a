package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FilesInMemory;
import dev.vectorvault.fuzz.FuzzOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Fuzz targets: HNSW and IVF_FLAT index files, of format version 1 (big-endian, own framing) and the current one
 * (common frame). The file targets load mutated whole files, as a start-up does; the body targets wrap a mutated
 * body in a valid frame first (first input byte even: current framing, odd: version 1), so the checksum does not
 * stop the fuzzer before the graph and list readers. Every input loads an index that then answers a search, or is
 * refused with {@link CorruptIndexException} naming the file. The vectors are those of the frozen v1 segments the
 * seed files index (rows 0..39 of {@code formats/v1}: {@code [k, -0.5k, (k % 7) / 4, 1]}).
 */
class IndexFileFuzzTest {
    private static final int ROWS = 40;
    private static final float[] QUERY = {17, -8.5f, 0.75f, 1};

    private static VectorColumn vectors() {
        VectorColumn column = new VectorColumn(4);
        for (int k = 0; k < ROWS; k++) {
            column.append(new float[] {k, -0.5f * k, (k % 7) * 0.25f, 1f});
        }
        return column;
    }

    private static final VectorColumn VECTORS = vectors();

    @FuzzTest(maxDuration = "60s")
    void hnswFileLoadsOrIsRefusedAsCorrupt(byte[] file) throws Exception {
        loadHnsw(file);
    }

    @FuzzTest(maxDuration = "60s")
    void ivfFlatFileLoadsOrIsRefusedAsCorrupt(byte[] file) throws Exception {
        loadIvfFlat(file);
    }

    @FuzzTest(maxDuration = "60s")
    void hnswBodyLoadsOrIsRefusedAsCorrupt(byte[] input) throws Exception {
        loadHnsw(framed(HnswIndex.FILE_KIND, HnswIndex.FILE_VERSION, input));
    }

    @FuzzTest(maxDuration = "60s")
    void ivfFlatBodyLoadsOrIsRefusedAsCorrupt(byte[] input) throws Exception {
        loadIvfFlat(framed(IvfFlatIndex.FILE_KIND, IvfFlatIndex.FILE_VERSION, input));
    }

    private static void loadHnsw(byte[] file) throws Exception {
        FilesInMemory store = FilesInMemory.of("i.idx", file);
        FuzzOutcome.resultOrCorrupt(() -> HnswIndex.read(store, "i.idx", VECTORS, MetricType.L2))
                .ifPresent(index -> assertThat(index.search(QUERY, 3, 16, OrdinalFilter.ACCEPT_ALL))
                        .allSatisfy(hit -> assertThat(hit.ordinal()).isBetween(0, ROWS - 1)));
    }

    private static void loadIvfFlat(byte[] file) throws Exception {
        FilesInMemory store = FilesInMemory.of("i.idx", file);
        FuzzOutcome.resultOrCorrupt(() -> IvfFlatIndex.read(store, "i.idx", VECTORS, MetricType.IP))
                .ifPresent(index -> assertThat(index.search(QUERY, 3, 4, OrdinalFilter.ACCEPT_ALL))
                        .allSatisfy(hit -> assertThat(hit.ordinal()).isBetween(0, ROWS - 1)));
    }

    /** {@code input[1..]} as the body of a valid file: current framing if {@code input[0]} is even, else version 1. */
    private static byte[] framed(String kind, int version, byte[] input) {
        if (input.length == 0) {
            return input;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) == 0) {
            return dev.vectorvault.storage.io.Frame.frame(IndexFile.formatName(kind), version, body);
        }
        byte[] format = IndexFile.FORMAT_NAME_V1.getBytes(StandardCharsets.UTF_8);
        byte[] kindBytes = kind.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 2 + format.length + 2 + kindBytes.length + 4 + body.length + 8);
        out.putInt(IndexFile.MAGIC_V1).putShort((short) format.length).put(format).putShort((short) kindBytes.length)
                .put(kindBytes).putInt(1).put(body).putInt(~IndexFile.MAGIC_V1);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }
}
