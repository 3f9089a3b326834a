/**
 * The shard log seam: a per-shard, append-only, durable log of opaque byte records, owned by the storage engine and
 * free of any message-queue type. A collection's rows go to {@code shards_num} shards; each shard has one writer at a
 * time ({@link dev.vectorvault.storage.log.ShardWriter}), and any number of readers that see its records in order
 * ({@link dev.vectorvault.storage.log.ShardReader}). {@code dev.vectorvault.storage.kafka} implements it on Kafka
 * ({@code mq.type: kafka}); the embedded mode keeps its local write-ahead log.
 */
package dev.vectorvault.storage.log;
