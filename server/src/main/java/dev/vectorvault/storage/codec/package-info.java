/** Compact, self-describing binary encoding of row values, used inside log records and segment bodies. */
package dev.vectorvault.storage.codec;
