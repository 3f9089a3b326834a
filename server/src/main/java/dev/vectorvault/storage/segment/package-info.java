/** Immutable data files written atomically and verified end to end (header, version range, CRC32C footer) on read. */
package dev.vectorvault.storage.segment;
