package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FilesInMemory;
import dev.vectorvault.fuzz.FuzzOutcome;
import dev.vectorvault.storage.io.Frame;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target: the bodies of the quantized index files (IVF_SQ8, IVF_PQ, HNSW_SQ), which size their code arrays,
 * codebooks and graphs from what they read. The first input byte picks the kind (its value mod 3) and the metric (L2
 * below 3 after mod 6, else COSINE); the rest is the body, wrapped in a valid frame so the checksum does not stop the
 * fuzzer before the readers. Every input loads an index that answers a search with ordinals of the column, or is
 * refused as corrupt naming the file. The seeds are the frozen files' bodies, read against the column they were
 * written for ({@link FrozenIndexFormatsTest#column()}).
 */
class QuantizedIndexFileFuzzTest {
    private static final List<String> KINDS = List.of("IVF_SQ8", "IVF_PQ", "HNSW_SQ");
    private static final VectorColumn VECTORS = FrozenIndexFormatsTest.column();

    @FuzzTest(maxDuration = "60s")
    void quantizedBodyLoadsOrIsRefusedAsCorrupt(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int selector = Math.floorMod(input[0], 6);
        IndexKind kind = IndexKinds.of(KINDS.get(selector % 3)).orElseThrow();
        MetricType metric = selector < 3 ? MetricType.L2 : MetricType.COSINE;
        byte[] file = Frame.frame(IndexFile.formatName(kind.fileKind()), kind.fileVersion(),
                Arrays.copyOfRange(input, 1, input.length));
        FilesInMemory store = FilesInMemory.of("q.idx", file);
        float[] query = new float[VECTORS.dim()];
        VECTORS.copyTo(17, query);
        SearchParams search = kind.parseSearch(Map.of("nprobe", "2", "ef", "16"), 3);
        FuzzOutcome.resultOrCorrupt(() -> kind.read(store, "q.idx", VECTORS, metric))
                .ifPresent(index -> assertThat(index.search(query, 3, search, OrdinalFilter.ACCEPT_ALL))
                        .allSatisfy(hit -> assertThat(hit.ordinal()).isBetween(0, VECTORS.size() - 1)));
    }
}
