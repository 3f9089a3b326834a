/** Write-ahead log: checksummed, rolling, group-committed record files that survive kill -9 and torn writes. */
package dev.vectorvault.storage.wal;
