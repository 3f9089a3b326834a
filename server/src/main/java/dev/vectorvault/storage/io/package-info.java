/**
 * The one seam between the storage engine and whatever keeps its bytes. {@link dev.vectorvault.storage.io.ObjectStore}
 * is the immutable-object subset (write whole, read ranges, list, delete) that sealed segments, tombstones and index
 * files use, so object storage can stand in for the disk; {@link dev.vectorvault.storage.io.FileStore} adds the
 * appendable files the log needs. {@link dev.vectorvault.storage.io.LocalDisk} is the real implementation; tests use a
 * fault-injecting one. {@link dev.vectorvault.storage.io.Frame} is the one framing every file kind shares.
 */
package dev.vectorvault.storage.io;
