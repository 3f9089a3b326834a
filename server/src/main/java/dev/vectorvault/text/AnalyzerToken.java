package dev.vectorvault.text;

/**
 * One token of an analyzed text as {@code RunAnalyzer} reports it: offsets are UTF-8 byte offsets into the text (as
 * Milvus's are), {@code position} counts tokens from 0 with the gaps that removed tokens leave, {@code hash} is
 * {@link TermHash#of} of the token.
 */
public record AnalyzerToken(String token, int startOffset, int endOffset, int position, int positionLength,
                            long hash) {}
