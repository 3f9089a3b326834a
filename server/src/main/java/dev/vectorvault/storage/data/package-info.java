/** Collection data: in-memory columnar segments, made durable by the write-ahead log and checksummed segment files. */
package dev.vectorvault.storage.data;
