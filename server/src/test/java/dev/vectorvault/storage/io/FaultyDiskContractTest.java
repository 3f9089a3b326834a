package dev.vectorvault.storage.io;

import org.junit.jupiter.api.Timeout;

/** The fault-injecting disk, with no fault armed, keeps the contract too (the storage tests rely on it). */
@Timeout(60)
class FaultyDiskContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore store() {
        return new FaultyDisk();
    }
}
