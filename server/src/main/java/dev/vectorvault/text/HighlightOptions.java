package dev.vectorvault.text;

import java.util.List;

/**
 * How a lexical highlight is rendered (Milvus's {@code LexicalHighlighter} params): the tags put around the i-th match
 * of a fragment ({@code preTags[i % size]}, {@code postTags[i % size]}, each list rotating on its own), the context
 * kept before a fragment's first match ({@code fragmentOffset}), a fragment's least length ({@code fragmentSize}) and
 * the most fragments per text ({@code numOfFragments}, 0: none). Lengths count code points, as Milvus counts runes.
 */
public record HighlightOptions(List<String> preTags, List<String> postTags, int fragmentOffset, int fragmentSize,
                               int numOfFragments) {
    public static final String DEFAULT_PRE_TAG = "<em>";
    public static final String DEFAULT_POST_TAG = "</em>";
    public static final int DEFAULT_FRAGMENT_SIZE = 100;
    public static final int DEFAULT_NUM_OF_FRAGMENTS = 5;

    public HighlightOptions {
        preTags = List.copyOf(preTags);
        postTags = List.copyOf(postTags);
        if (preTags.isEmpty() || postTags.isEmpty() || fragmentOffset < 0 || fragmentSize <= 0
                || numOfFragments < 0) {
            throw new IllegalArgumentException("tags must be given, offset and count >= 0, size > 0");
        }
    }

    /** Milvus's defaults: {@code <em>}/{@code </em>}, no leading context, 100 code points, 5 fragments. */
    public static HighlightOptions defaults() {
        return new HighlightOptions(List.of(DEFAULT_PRE_TAG), List.of(DEFAULT_POST_TAG), 0, DEFAULT_FRAGMENT_SIZE,
                DEFAULT_NUM_OF_FRAGMENTS);
    }
}
