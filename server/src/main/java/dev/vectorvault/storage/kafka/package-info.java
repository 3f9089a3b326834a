/**
 * The shard log ({@link dev.vectorvault.storage.log}) on Kafka, with Milvus's channel names. The only package that
 * uses kafka-clients (ArchitectureTest). See {@link dev.vectorvault.storage.kafka.KafkaShardLog} for how shards map
 * to topics, how writers are fenced and what each failure becomes.
 */
package dev.vectorvault.storage.kafka;
