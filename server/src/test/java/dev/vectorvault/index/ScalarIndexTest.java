package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.storage.io.LocalDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scalar index of one segment: which rows hold a value in a run of the value order, its nulls, array elements,
 * values without an order, and its file (round trip, damage and truncation refused, and the frozen version-1 file
 * under {@code index-formats/} still read as written).
 */
class ScalarIndexTest {
    @TempDir
    Path dir;

    /** The values the frozen file {@code scalar-inverted-v1.idx} was built over; must never change. */
    static List<Object> frozenValues() {
        return Arrays.asList("pear", null, "apple", "fig", "apple", "kiwi\uD83E\uDD5D", null, "fig", "", "apple");
    }

    private static ToIntFunction<Object> equalTo(Object constant) {
        return key -> ((Comparable<Object>) key).compareTo(constant);
    }

    private static List<Integer> rows(BitSet set) {
        return set.stream().boxed().toList();
    }

    @Test
    void equalValuesAndRangesAreAnsweredAsRowSets() {
        ScalarIndex index = ScalarIndex.build(ScalarIndexType.STL_SORT,
                Arrays.asList(5L, 3L, null, 5L, -1L, 9L, 3L), false);
        assertThat(index.family()).isEqualTo(ScalarIndex.KeyFamily.LONG);
        assertThat(index.keyCount()).isEqualTo(4);
        assertThat(rows(index.rowsWhere(equalTo(5L)))).containsExactly(0, 3);
        assertThat(rows(index.rowsWhere(key -> (Long) key < 5 ? 0 : 1))).containsExactly(1, 4, 6);
        assertThat(rows(index.rowsWhere(key -> (Long) key >= 5 ? 0 : -1))).containsExactly(0, 3, 5);
        assertThat(rows(index.rowsWhere(equalTo(4L)))).isEmpty();
        assertThat(rows(index.nulls())).containsExactly(2);
    }

    @Test
    void minusZeroIsStoredAsZeroAndNaNLeavesTheIndexWithoutOrder() {
        ScalarIndex zeros = ScalarIndex.build(ScalarIndexType.INVERTED, List.of(-0.0, 0.0, 1.5), false);
        assertThat(rows(zeros.rowsWhere(equalTo(0.0)))).containsExactly(0, 1);
        ScalarIndex nan = ScalarIndex.build(ScalarIndexType.INVERTED, List.of(1.0, Double.NaN), false);
        assertThat(nan.ordered()).isFalse();
    }

    @Test
    void anArrayIndexHoldsEachRowOnceUnderEveryElement() {
        ScalarIndex index = ScalarIndex.build(ScalarIndexType.BITMAP,
                Arrays.asList(List.of(1L, 1L, 2L), List.of(), null, List.of(2L)), true);
        assertThat(rows(index.rowsWhere(equalTo(1L)))).containsExactly(0);
        assertThat(rows(index.rowsWhere(equalTo(2L)))).containsExactly(0, 3);
        assertThat(rows(index.nulls())).containsExactly(2);
    }

    @Test
    void stringsAreOrderedByCodePoint() {
        // UTF-16 order puts U+1F95D (a surrogate pair) before U+E000; code point order, the filters' order, after.
        ScalarIndex index = ScalarIndex.build(ScalarIndexType.INVERTED, List.of("\uE000", "\uD83E\uDD5D", "a"),
                false);
        assertThat(rows(index.rowsWhere(key -> ((String) key).codePointAt(0) > 0xE000 ? 0 : -1)))
                .containsExactly(1);
    }

    @Test
    void aWrittenIndexReadsBackAndADamagedOrMismatchedFileIsRefused() throws IOException {
        LocalDisk store = LocalDisk.open(dir);
        ScalarIndex built = ScalarIndex.build(ScalarIndexType.INVERTED, frozenValues(), false);
        built.write(store, "a.idx");
        ScalarIndex read = ScalarIndex.read(store, "a.idx", ScalarIndexType.INVERTED, 10, false);
        assertThat(rows(read.rowsWhere(equalTo("apple")))).containsExactly(2, 4, 9);
        assertThat(rows(read.nulls())).containsExactly(1, 6);

        assertThatThrownBy(() -> ScalarIndex.read(store, "a.idx", ScalarIndexType.INVERTED, 11, false))
                .isInstanceOf(CorruptIndexException.class);
        assertThatThrownBy(() -> ScalarIndex.read(store, "a.idx", ScalarIndexType.BITMAP, 10, false))
                .isInstanceOf(CorruptIndexException.class);
        byte[] bytes = Files.readAllBytes(dir.resolve("a.idx"));
        for (int at : new int[] {3, bytes.length / 2, bytes.length - 1}) {
            byte[] damaged = bytes.clone();
            damaged[at] ^= 0x10;
            store.write("d.idx", damaged);
            assertThatThrownBy(() -> ScalarIndex.read(store, "d.idx", ScalarIndexType.INVERTED, 10, false))
                    .as("flipped bit at %d", at).isInstanceOf(CorruptIndexException.class);
        }
        store.write("t.idx", Arrays.copyOf(bytes, bytes.length - 9));
        assertThatThrownBy(() -> ScalarIndex.read(store, "t.idx", ScalarIndexType.INVERTED, 10, false))
                .isInstanceOf(CorruptIndexException.class);
    }

    @Test
    void theFrozenVersionOneFileReadsAsWritten() throws IOException {
        Path file = dir.resolve("scalar-inverted-v1.idx");
        try (InputStream in = ScalarIndexTest.class.getResourceAsStream("/index-formats/scalar-inverted-v1.idx")) {
            assertThat(in).as("test resource index-formats/scalar-inverted-v1.idx").isNotNull();
            Files.copy(in, file);
        }
        ScalarIndex frozen = ScalarIndex.read(LocalDisk.open(dir), file.getFileName().toString(),
                ScalarIndexType.INVERTED, 10, false);
        assertThat(frozen.keyCount()).isEqualTo(5);
        assertThat(rows(frozen.rowsWhere(equalTo("apple")))).containsExactly(2, 4, 9);
        assertThat(rows(frozen.rowsWhere(equalTo("kiwi\uD83E\uDD5D")))).containsExactly(5);
        assertThat(rows(frozen.rowsWhere(equalTo("")))).containsExactly(8);
        assertThat(rows(frozen.rowsWhere(key -> ((String) key).startsWith("f") ? 0
                : ((String) key).compareTo("f")))).containsExactly(3, 7);
        assertThat(rows(frozen.nulls())).containsExactly(1, 6);
        List<Integer> all = new ArrayList<>(rows(frozen.rowsWhere(key -> 0)));
        assertThat(all).containsExactly(0, 2, 3, 4, 5, 7, 8, 9);
        // Today's writer still writes these very bytes: a change to the format must bump its version.
        ScalarIndex.build(ScalarIndexType.INVERTED, frozenValues(), false).write(LocalDisk.open(dir), "now.idx");
        if (Boolean.getBoolean("scalar.writeFrozen")) {
            Files.copy(dir.resolve("now.idx"), Path.of(System.getProperty("scalar.frozenOut")));
        }
        assertThat(Files.readAllBytes(dir.resolve("now.idx"))).isEqualTo(Files.readAllBytes(file));
    }
}
