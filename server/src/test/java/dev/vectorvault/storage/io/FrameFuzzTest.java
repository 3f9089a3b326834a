package dev.vectorvault.storage.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vectorvault.fuzz.FilesInMemory;
import dev.vectorvault.fuzz.FuzzOutcome;
import java.util.Optional;

/**
 * Fuzz target: the common {@link Frame} (header, body, footer) of every immutable file. Any bytes are either a
 * verified body or refused as {@code STORAGE_CORRUPT} naming the file; the in-memory reader ({@link Frame#unframe})
 * and the streaming one ({@link Frame#verify}, used for index files) reach the same verdict. Seeds: segment and
 * tombstone files written by the current code.
 */
class FrameFuzzTest {
    private static final String FORMAT = "vectorvault-segment";

    @FuzzTest(maxDuration = "60s")
    void anyFileUnframesOrIsRefusedAsCorrupt(byte[] bytes) throws Exception {
        Optional<Frame.Body> inMemory = FuzzOutcome.resultOrCorrupt(() -> Frame.unframe("f.seg", bytes, FORMAT, 2, 3));
        FilesInMemory store = FilesInMemory.of("f.seg", bytes);
        Optional<Frame.Header> streamed = FuzzOutcome.resultOrCorrupt(() -> Frame.verify(store, "f.seg", FORMAT, 2, 3));
        assertThat(streamed.isPresent()).as("both readers agree").isEqualTo(inMemory.isPresent());
        if (inMemory.isPresent()) {
            assertThat(streamed.get().version()).isEqualTo(inMemory.get().version());
            byte[] body = Frame.bodyStream(store, "f.seg", streamed.get()).readAllBytes();
            assertThat(body).isEqualTo(inMemory.get().bytes());
            assertThat(Frame.frame(FORMAT, inMemory.get().version(), body)).as("re-framing gives the same file")
                    .isEqualTo(bytes);
        }
    }
}
