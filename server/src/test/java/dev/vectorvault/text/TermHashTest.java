package dev.vectorvault.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TermHashTest {
    private static final long SEED = Long.getLong("tests.seed", new Random().nextLong());

    /**
     * The hasher the insert path uses (straight from the term buffer) gives {@link TermHash#of} for any token: ASCII,
     * two- and three-byte characters, surrogate pairs and unpaired surrogates (which the String encoding turns into
     * '?'), and tokens whose 100th byte falls inside a character. Replay with {@code -Dtests.seed=N}.
     */
    @Test
    void theBufferHasherEqualsHashingTheTokenString() {
        System.out.println("TermHashTest seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        List<String> pieces = List.of("a", "Z", "7", "é", "ß", "ж", "北", "京", "😀", "\ud800", "\udc00", "?", "x");
        TermHash.Hasher hasher = new TermHash.Hasher();
        char[] buffer = new char[300];
        for (int round = 0; round < 20_000; round++) {
            StringBuilder token = new StringBuilder();
            int length = random.nextInt(4) == 0 ? 90 + random.nextInt(20) : random.nextInt(12);
            // Mostly one kind of character per token, so that long tokens cross the 100-byte cut in each width.
            String main = pieces.get(random.nextInt(pieces.size()));
            while (token.length() < length) {
                token.append(random.nextInt(5) == 0 ? pieces.get(random.nextInt(pieces.size())) : main);
            }
            String text = token.toString();
            text.getChars(0, text.length(), buffer, 0);
            buffer[text.length()] = 'q'; // what lies past the length must not count
            assertThat(hasher.of(buffer, text.length())).as("'%s' (seed %d)", text, SEED)
                    .isEqualTo(TermHash.of(text));
        }
    }
}
