package dev.vectorvault.storage.wal;

/**
 * Told how long each force of the write-ahead log to disk took (the fsync latency metric). Called on the forcing
 * thread, outside the log's lock for the group-commit force: it must be quick and must not throw.
 */
@FunctionalInterface
public interface ForceListener {
    ForceListener NONE = nanos -> {};

    /** A force of the active log file succeeded after {@code nanos}. */
    void forced(long nanos);
}
