package dev.vectorvault.storage.wal;

/** When {@link WriteAheadLog#append} may return relative to the record reaching stable storage. */
public enum Durability {
    /**
     * {@code append} returns only after the record is forced to disk (fsync); concurrent appenders share one force.
     * An acknowledged record survives {@code kill -9} and power loss.
     */
    FSYNC,
    /**
     * {@code append} returns once the record is in the operating system's page cache. It survives {@code kill -9} of
     * the server, but a power loss or kernel crash may lose the most recent records (never corrupt older ones).
     */
    OS_BUFFERED
}
