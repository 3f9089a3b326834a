package dev.vectorvault.catalog;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.HybridClock;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MvMetaStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert;

/** A catalog on an on-disk metadata store that can be closed and opened again, and a record of drop events. */
final class CatalogFixture implements AutoCloseable {
    static final String DB = Database.DEFAULT;

    final Path dir;
    final RecordingCatalogListener listener = new RecordingCatalogListener();
    final List<String> events = listener.events;
    MvMetaStore meta;
    Catalog catalog;
    Indexes indexes;

    CatalogFixture(Path dir) {
        this.dir = dir;
        open();
    }

    private void open() {
        meta = MvMetaStore.open(dir);
        catalog = new Catalog(meta, new HybridClock(), listener);
        indexes = new Indexes(catalog);
    }

    /** Closes the metadata store and builds a new catalog from the file. */
    void reopen() {
        meta.close();
        open();
    }

    Collection create(String name, CollectionSchema schema) {
        return create(DB, name, schema);
    }

    Collection create(String database, String name, CollectionSchema schema) {
        return catalog.createCollection(database, name, schema, 1, ConsistencyLevel.BOUNDED, Map.of());
    }

    /** Asserts that the call fails with this error code and returns the assertion for message checks. */
    static AbstractThrowableAssert<?, ? extends Throwable> failsWith(ErrorCode code,
                                                                     ThrowableAssert.ThrowingCallable call) {
        return Assertions.assertThatThrownBy(call).isInstanceOf(MilvusException.class)
                .satisfies(e -> Assertions.assertThat(((MilvusException) e).errorCode()).isEqualTo(code));
    }

    @Override
    public void close() {
        meta.close();
    }
}
