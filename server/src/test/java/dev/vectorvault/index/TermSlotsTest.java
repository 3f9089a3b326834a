package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TermSlots} against a {@code HashMap}: hashed term ids (any int, negatives too), sequential ids, misses. */
class TermSlotsTest {
    @Test
    void everyTermIsFoundAtItsSlotAndNoOtherTermIsFound() {
        Random random = new Random(5);
        for (int size : new int[] {0, 1, 2, 3, 7, 100, 4096, 50_000}) {
            Map<Integer, Integer> expected = new HashMap<>();
            int[] terms = new int[size];
            for (int slot = 0; slot < size; slot++) {
                // Half hashed ids over the whole int range, half a dense run (collide more on a weak hash).
                int term = slot % 2 == 0 ? random.nextInt() : slot;
                while (expected.containsKey(term)) {
                    term = random.nextInt();
                }
                terms[slot] = term;
                expected.put(term, slot);
            }
            TermSlots slots = TermSlots.of(terms);
            for (int slot = 0; slot < size; slot++) {
                assertThat(slots.slotOf(terms[slot])).as("term %d of %d", slot, size).isEqualTo(slot);
            }
            for (int probe = 0; probe < 20_000; probe++) {
                int term = probe % 2 == 0 ? random.nextInt() : size + probe;
                assertThat(slots.slotOf(term)).as("term %d of a set of %d", term, size)
                        .isEqualTo(expected.getOrDefault(term, -1));
            }
        }
    }

    @Test
    void aTermGivenTwiceIsRefused() {
        assertThatThrownBy(() -> TermSlots.of(new int[] {4, -9, 4})).isInstanceOf(IllegalArgumentException.class);
    }
}
