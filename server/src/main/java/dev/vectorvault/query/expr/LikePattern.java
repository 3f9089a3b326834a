package dev.vectorvault.query.expr;

import java.util.Arrays;

/**
 * A compiled SQL LIKE pattern: {@code %} matches any run of characters, {@code _} exactly one character (code
 * point), and a backslash makes the next character literal ({@code \%}, {@code \_}, {@code \\}). Every other
 * character, regex metacharacters included, matches only itself. Matching needs no regex and allocates nothing.
 */
final class LikePattern {
    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;

    private final int[] pattern; // code points, or ANY_RUN / ANY_ONE

    private LikePattern(int[] pattern) {
        this.pattern = pattern;
    }

    static LikePattern compile(String text) {
        int[] source = text.codePoints().toArray();
        int[] compiled = new int[source.length];
        int length = 0;
        for (int i = 0; i < source.length; i++) {
            int c = source[i];
            if (c == '\\' && i + 1 < source.length) {
                compiled[length++] = source[++i];
            } else if (c == '%') {
                if (length == 0 || compiled[length - 1] != ANY_RUN) { // "%%" means the same as "%"
                    compiled[length++] = ANY_RUN;
                }
            } else {
                compiled[length++] = c == '_' ? ANY_ONE : c;
            }
        }
        return new LikePattern(Arrays.copyOf(compiled, length));
    }

    /**
     * The literal text before the pattern's only wildcard when the pattern is {@code "text%"}, which matches exactly
     * the strings starting with that text; null for any other pattern.
     */
    String prefixOnly() {
        if (pattern.length == 0 || pattern[pattern.length - 1] != ANY_RUN) {
            return null;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < pattern.length - 1; i++) {
            if (pattern[i] < 0) {
                return null;
            }
            prefix.appendCodePoint(pattern[i]);
        }
        return prefix.toString();
    }

    /**
     * Greedy matching with backtracking to the last {@code %} only: linear for patterns with one {@code %},
     * O(text x pattern) at worst, never exponential.
     */
    boolean matches(String text) {
        int p = 0;
        int t = 0;
        int runAt = -1;      // pattern index of the last % seen
        int runTextAt = -1;  // where that % currently stops consuming text
        while (t < text.length()) {
            int c = text.codePointAt(t);
            if (p < pattern.length && (pattern[p] == ANY_ONE || pattern[p] == c)) {
                p++;
                t += Character.charCount(c);
            } else if (p < pattern.length && pattern[p] == ANY_RUN) {
                runAt = p++;
                runTextAt = t;
            } else if (runAt >= 0) {
                p = runAt + 1;
                runTextAt += Character.charCount(text.codePointAt(runTextAt));
                t = runTextAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == ANY_RUN) {
            p++;
        }
        return p == pattern.length;
    }
}
