package dev.vectorvault.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Cuts a text into highlighted fragments the way Milvus's lexical highlighter does (2.6.8+, facts from its query
 * node, no code):
 * <ol>
 * <li>The matches are the tokens of the text (by the field's analyzer) that equal a wanted term, as spans of the
 *     original text; overlapping or touching spans merge into one, spans inside an earlier one are dropped.</li>
 * <li>Spans are taken in order. A span that starts after the current fragment's end opens a new fragment from
 *     {@code fragmentOffset} code points before it (not before 0) to {@code fragmentSize} code points after that
 *     start, or to the span's end if it reaches further (not past the text); any other span joins the current
 *     fragment, stretching its end to its own. At most {@code numOfFragments} fragments; later spans are left out.
 *     A new fragment may start before the previous one ends (its leading context may overlap it).</li>
 * <li>Each fragment is its text with the i-th span of the fragment (from 0) between {@code preTags[i % n]} and
 *     {@code postTags[i % m]}.</li>
 * </ol>
 * A text without matches has no fragments.
 */
public final class TermHighlighter {
    private TermHighlighter() {}

    /** The fragments of {@code text} highlighting its tokens among {@code terms}, as {@link HighlightOptions} say. */
    public static List<String> highlight(TextAnalyzer analyzer, String text, Set<String> terms,
                                         HighlightOptions options) {
        if (text == null || text.isEmpty() || terms.isEmpty() || options.numOfFragments() == 0) {
            return List.of();
        }
        CodePoints points = CodePoints.of(text);
        return render(points, fragments(points, analyzer.spansOf(text, terms), options), options);
    }

    /** A fragment: its bounds and its spans, in code points. */
    record Fragment(int start, int end, List<TextSpan> spans) {}

    /** Sorted by start then end, overlapping and touching spans merged, contained ones dropped. */
    static List<TextSpan> merge(List<TextSpan> spans) {
        List<TextSpan> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt(TextSpan::start).thenComparingInt(TextSpan::end));
        List<TextSpan> merged = new ArrayList<>();
        int furthest = -1;
        for (TextSpan span : sorted) {
            if (span.end() <= furthest) {
                continue;
            }
            if (merged.isEmpty() || span.start() > merged.get(merged.size() - 1).end()) {
                merged.add(span);
            } else {
                merged.set(merged.size() - 1, new TextSpan(merged.get(merged.size() - 1).start(), span.end()));
            }
            furthest = span.end();
        }
        return merged;
    }

    /** The fragments of {@code text} for its match spans in char offsets; the result is in code points. */
    static List<Fragment> fragments(CodePoints text, List<TextSpan> charSpans, HighlightOptions options) {
        int length = text.length();
        List<Fragment> out = new ArrayList<>();
        int start = 0;
        int end = -1;
        List<TextSpan> current = null;
        for (TextSpan charSpan : merge(charSpans)) {
            TextSpan span = new TextSpan(text.pointAt(charSpan.start()), text.pointAt(charSpan.end()));
            if (current == null || span.start() > end) {
                if (current != null) {
                    out.add(new Fragment(start, end, current));
                }
                if (out.size() >= options.numOfFragments()) {
                    return out;
                }
                start = Math.max(0, span.start() - options.fragmentOffset());
                end = (int) Math.min(Math.max(span.end(), (long) start + options.fragmentSize()), length);
                current = new ArrayList<>();
            } else {
                end = Math.max(end, span.end());
            }
            current.add(span);
        }
        if (current != null) {
            out.add(new Fragment(start, end, current));
        }
        return out;
    }

    static List<String> render(CodePoints text, List<Fragment> fragments, HighlightOptions options) {
        List<String> out = new ArrayList<>(fragments.size());
        List<String> pre = options.preTags();
        List<String> post = options.postTags();
        for (Fragment fragment : fragments) {
            StringBuilder rendered = new StringBuilder();
            int cursor = fragment.start();
            for (int i = 0; i < fragment.spans().size(); i++) {
                TextSpan span = fragment.spans().get(i);
                if (cursor < span.start()) {
                    rendered.append(text.slice(cursor, span.start()));
                }
                rendered.append(pre.get(i % pre.size())).append(text.slice(span.start(), span.end()))
                        .append(post.get(i % post.size()));
                cursor = span.end();
            }
            if (cursor < fragment.end()) {
                rendered.append(text.slice(cursor, fragment.end()));
            }
            out.add(rendered.toString());
        }
        return out;
    }

    /**
     * A text addressed by code points. {@code charOf} maps each code point (and the end) to its char offset; null when
     * the text has no surrogate pairs, where the two agree (most texts: no table is built).
     */
    record CodePoints(String text, int[] charOf) {
        static CodePoints of(String text) {
            int points = text.codePointCount(0, text.length());
            if (points == text.length()) {
                return new CodePoints(text, null);
            }
            int[] charOf = new int[points + 1];
            for (int p = 0, c = 0; p < points; p++) {
                charOf[p] = c;
                c += Character.charCount(text.codePointAt(c));
            }
            charOf[points] = text.length();
            return new CodePoints(text, charOf);
        }

        int length() {
            return charOf == null ? text.length() : charOf.length - 1;
        }

        /** The code point at char offset {@code c} (analyzer offsets never split a surrogate pair). */
        int pointAt(int c) {
            if (charOf == null) {
                return c;
            }
            int p = java.util.Arrays.binarySearch(charOf, c);
            return p >= 0 ? p : -p - 1;
        }

        String slice(int from, int to) {
            return charOf == null ? text.substring(from, to) : text.substring(charOf[from], charOf[to]);
        }
    }
}
