package dev.vectorvault.storage.data;

import dev.vectorvault.storage.log.ShardLog;

/** The shard log as a follower replica uses it: readers and end positions only, never a writer. */
record ShardLogAccess(ShardLog log) {}
