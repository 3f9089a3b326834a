package dev.vectorvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvault.common.MilvusException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nested {@code params} of a search, read once per distinct string: the remembered answer is never another's. */
class JsonParamsTest {
    @Test
    void eachStringReadsAsItselfWhateverWasReadBefore() {
        assertEquals(Map.of("ef", "32"), JsonParams.flatStringMap("{\"ef\":32}"));
        assertEquals(Map.of("ef", "32"), JsonParams.flatStringMap("{\"ef\":32}"));
        assertEquals(Map.of("ef", "64", "radius", "0.5"), JsonParams.flatStringMap("{\"ef\":64,\"radius\":0.5}"));
        assertEquals(Map.of("nprobe", "8"), JsonParams.flatStringMap("{\"nprobe\": 8}"));
        assertEquals(Map.of("ef", "32"), JsonParams.flatStringMap("{\"ef\":32}"));
    }

    @Test
    void keepsTheObjectsOrderAndCannotBeChangedByACaller() {
        Map<String, String> read = JsonParams.flatStringMap("{\"b\":1,\"a\":[1,2]}");
        assertEquals(List.of("b", "a"), List.copyOf(read.keySet()));
        assertEquals("[1,2]", read.get("a"));
        assertThrows(UnsupportedOperationException.class, () -> read.put("c", "3"));
        assertEquals(Map.of("b", "1", "a", "[1,2]"), JsonParams.flatStringMap("{\"b\":1,\"a\":[1,2]}"));
    }

    @Test
    void aBadStringIsRefusedEvenRightAfterAGoodOne() {
        JsonParams.flatStringMap("{\"ef\":32}");
        assertThrows(MilvusException.class, () -> JsonParams.flatStringMap("{\"ef\":"));
        assertThrows(MilvusException.class, () -> JsonParams.flatStringMap("[1]"));
        assertEquals(Map.of("ef", "32"), JsonParams.flatStringMap("{\"ef\":32}"));
    }
}
