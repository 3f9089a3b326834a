package dev.vectorvault.storage.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.index.CorruptIndexException;
import dev.vectorvault.storage.io.LocalDisk;
import dev.vectorvault.text.TextAnalyzer;
import dev.vectorvault.text.TextMatchIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The match index file of version 1 ({@code formats/text-match/7.1.text_match-v1.idx}, written by
 * {@link SegmentTextIndex} at its first version and never to be regenerated) still reads, and answers as an index
 * built now over the same rows; a damaged copy, or one read for other rows or another analyzer, is refused as corrupt
 * (the caller rebuilds).
 */
@Timeout(60)
class FrozenTextMatchFormatTest {
    /** The rows of segment 7 the frozen file was built over; must never change. */
    static final List<Object> ROWS = Arrays.asList(
            "Cook the rice slowly in salted water",
            null,
            "Wheat and rice: the cooks' staples",
            "",
            "Boiling water boils; cooking cooked rice again",
            "Ünïcödé café, naïve façade",
            "rice rice RICE");
    static final TextMatchSpec SPEC = new TextMatchSpec("{\"type\":\"english\"}");
    private static final String NAME = "segments/1000/" + TextMatchSpec.fileName(7, 1);

    @TempDir
    Path dir;

    private LocalDisk frozenCopy() throws IOException {
        Path file = dir.resolve(NAME);
        Files.createDirectories(file.getParent());
        try (InputStream in = getClass().getResourceAsStream("/formats/text-match/7.1.text_match-v1.idx")) {
            assertThat(in).as("test resource formats/text-match/7.1.text_match-v1.idx").isNotNull();
            Files.copy(in, file);
        }
        return LocalDisk.open(dir);
    }

    @Test
    void version1AnswersAsAnIndexBuiltNow() throws IOException {
        TextMatchIndex frozen = SegmentTextIndex.read(frozenCopy(), NAME, ROWS.size(), SPEC);
        TextMatchIndex now = TextMatchIndex.build(TextAnalyzer.fromParams(SPEC.analyzerParams()), ROWS.size(),
                ROWS::get);
        assertThat(frozen.rows()).isEqualTo(7);
        assertThat(frozen.nulls()).isEqualTo(now.nulls());
        assertThat(frozen.nulls().stream().toArray()).containsExactly(1);
        assertThat(frozen.termCount()).isEqualTo(now.termCount());
        for (String term : List.of("cook", "rice", "water", "boil", "wheat", "stapl", "cafe", "naiv", "salt",
                "again", "the", "absent")) {
            assertThat(frozen.rowsWith(term)).as(term).isEqualTo(now.rowsWith(term));
            for (int row = 0; row < ROWS.size(); row++) {
                assertThat(frozen.positions(term, row)).as("%s in row %s", term, row)
                        .containsExactly(now.positions(term, row));
            }
        }
        assertThat(frozen.rowsWith("rice").stream().toArray()).containsExactly(0, 2, 4, 6);
        assertThat(frozen.positions("rice", 6)).containsExactly(0, 1, 2);
    }

    @Test
    void aFileForOtherRowsOrAnotherAnalyzerOrDamagedIsCorrupt() throws IOException {
        LocalDisk disk = frozenCopy();
        assertThatThrownBy(() -> SegmentTextIndex.read(disk, NAME, ROWS.size() + 1, SPEC))
                .isInstanceOf(CorruptIndexException.class);
        assertThatThrownBy(() -> SegmentTextIndex.read(disk, NAME, ROWS.size(), new TextMatchSpec(null)))
                .isInstanceOf(CorruptIndexException.class).hasMessageContaining("analyzer");
        byte[] bytes = Files.readAllBytes(dir.resolve(NAME));
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(dir.resolve(NAME), bytes);
        assertThatThrownBy(() -> SegmentTextIndex.read(disk, NAME, ROWS.size(), SPEC))
                .isInstanceOf(CorruptIndexException.class);
    }
}
