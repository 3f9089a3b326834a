package dev.vectorvault.text;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.lucene.analysis.FilteringTokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Milvus's keep-or-drop filters that Lucene has no exact counterpart for ({@code alphanumonly}, {@code cncharonly},
 * {@code cnalphanumonly}, {@code removepunct}, {@code length}), each one {@link FilteringTokenFilter} with a test on
 * the whole token. Positions of dropped tokens stay as gaps, as in Milvus.
 */
final class TokenFilters {
    private TokenFilters() {}

    static TokenStream keeping(TokenStream in, Predicate<String> keep) {
        return new FilteringTokenFilter(in) {
            private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

            @Override
            protected boolean accept() {
                return keep.test(term.toString());
            }
        };
    }

    /** Only ASCII letters and digits (Milvus's {@code alphanumonly}). */
    static boolean asciiAlphanumeric(String token) {
        return !token.isEmpty() && token.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c));
    }

    /** Only Han characters ({@code cncharonly}). */
    static boolean han(String token) {
        return !token.isEmpty() && token.codePoints().allMatch(TokenFilters::isHan);
    }

    /** Only Han characters, ASCII letters and digits ({@code cnalphanumonly}). */
    static boolean hanOrAsciiAlphanumeric(String token) {
        return !token.isEmpty() && token.codePoints().allMatch(c -> isHan(c)
                || (c < 128 && Character.isLetterOrDigit(c)));
    }

    /** Not made only of punctuation ({@code removepunct} drops those). */
    static boolean notOnlyPunctuation(String token) {
        return !token.codePoints().allMatch(TokenFilters::isPunctuation);
    }

    static Predicate<String> atMostBytes(int max) {
        return token -> token.getBytes(StandardCharsets.UTF_8).length <= max;
    }

    private static boolean isHan(int c) {
        return Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
    }

    private static boolean isPunctuation(int c) {
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
