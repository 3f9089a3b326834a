package dev.vectorvault.text;

/** A stretch of a text, {@code [start, end)}, in the offsets the producer names (chars or code points). */
public record TextSpan(int start, int end) {}
