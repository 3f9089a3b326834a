/** Exact (FLAT) vector search over append-only in-memory vector columns; knows nothing about files or the wire. */
package dev.vectorvault.index;
