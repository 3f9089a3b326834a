package dev.vectorvault.storage.data;

import static dev.vectorvault.storage.data.DataStoreFixture.expected;
import static dev.vectorvault.storage.data.DataStoreFixture.layout;
import static dev.vectorvault.storage.data.DataStoreFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MvMetaStore;
import dev.vectorvault.storage.StorageException;
import dev.vectorvault.storage.io.FaultyDisk;
import dev.vectorvault.storage.wal.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data store on a {@link FaultyDisk}: what a client was told matches what survives failed forces, a full disk
 * and power loss. The metadata store (H2, its own file I/O) is in memory and survives every crash, as a forced
 * commit does.
 */
@Timeout(120)
class DataStoreFaultTest {
    private static final long SEED = Long.getLong("tests.seed", ThreadLocalRandom.current().nextLong());
    private static final long C = 7;
    private static final long P0 = 70;

    private final FaultyDisk disk = new FaultyDisk();
    private final MvMetaStore meta = MvMetaStore.inMemory();
    private final DataExecutors executors = new DataExecutors();
    private final CollectionLayout layout = layout(C, P0);
    private DataStore store;

    private DataStore open(int sealThreshold) {
        return open(disk, meta, sealThreshold);
    }

    private DataStore open(FaultyDisk on, MvMetaStore metadata, int sealThreshold) {
        DataStore opened = DataStore.open(on, Durability.FSYNC, metadata,
                id -> Optional.of(layout).filter(l -> id == C), sealThreshold, DataStore.DEFAULT_AUTO_CHECKPOINT_BYTES,
                IndexBuildSettings.defaults(), executors);
        opened.startBackgroundWork();
        return opened;
    }

    @AfterEach
    void tearDown() {
        meta.close();
        executors.close();
    }

    private Map<Object, List<Object>> live(DataStore data) {
        Map<Object, List<Object>> rows = new TreeMap<>();
        data.read(layout, view -> {
            for (int s = 0; s < view.segmentCount(); s++) {
                for (int o = 0; o < view.segmentSize(s); o++) {
                    if (view.isLive(s, o)) {
                        List<Object> row = new ArrayList<>();
                        row.add(view.partition(s, o));
                        for (int f = 0; f < layout.fieldCount(); f++) {
                            row.add(DataStoreFixture.comparable(view.value(s, f, o)));
                        }
                        rows.put(view.value(s, 0, o), row);
                    }
                }
            }
            return null;
        });
        return rows;
    }

    private void put(DataStore data, long key, Map<Object, List<Object>> model) {
        Object[] row = row(key, "v" + key);
        data.put(layout, P0, List.<Object[]>of(row));
        model.put(key, expected(P0, row));
    }

    @Test
    void aFailedForceIsNotAcknowledgedAndTheNextWriteRecoversFromDiskFirst() {
        store = open(1000);
        Map<Object, List<Object>> model = new TreeMap<>();
        for (long k = 1; k <= 5; k++) {
            put(store, k, model);
        }
        disk.failForce(1);
        assertThatThrownBy(() -> store.put(layout, P0, List.<Object[]>of(row(6, "v6"))))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_FSYNC_FAILED));
        assertThat(live(store)).as("row 6 was not acknowledged, so it is not visible either").isEqualTo(model);

        put(store, 7, model); // recovers from disk first, then writes
        assertThat(live(store)).isEqualTo(model);
        disk.crash();
        DataStore reopened = open(1000);
        assertThat(live(reopened)).isEqualTo(model);
        reopened.close();
    }

    @Test
    void aFullDiskAnswersWithItsOwnCodeAndAppliesNothing() {
        store = open(1000);
        Map<Object, List<Object>> model = new TreeMap<>();
        put(store, 1, model);
        disk.diskFullAfter(3);
        List<Object[]> batch = List.of(row(2, "v2"), row(3, "v3"));
        assertThatThrownBy(() -> store.put(layout, P0, batch)).isInstanceOfSatisfying(MilvusException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_DISK_FULL);
            assertThat(e.errorCode().code()).as("merr ErrServiceDiskLimitExceeded").isEqualTo(7);
        }).hasMessageContaining("disk limit exceeded");
        assertThatThrownBy(() -> store.delete(layout, List.of(1L))).isInstanceOf(StorageException.class);
        assertThat(live(store)).as("nothing half-applied").isEqualTo(model);

        disk.clearFaults();
        put(store, 4, model);
        store.close();
        DataStore reopened = open(1000);
        assertThat(live(reopened)).isEqualTo(model);
        reopened.close();
    }

    @Test
    void aFailedSegmentWriteDuringACheckpointLosesNothing() {
        store = open(4);
        Map<Object, List<Object>> model = new TreeMap<>();
        for (long k = 1; k <= 10; k++) {
            put(store, k, model);
        }
        disk.diskFullAfter(0);
        assertThatThrownBy(() -> store.checkpoint()).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_DISK_FULL));
        disk.clearFaults();
        disk.crash();
        DataStore reopened = open(4);
        assertThat(live(reopened)).isEqualTo(model);
        reopened.checkpoint();
        reopened.close();
        DataStore again = open(4);
        assertThat(live(again)).isEqualTo(model);
        again.close();
    }

    /**
     * Random puts, deletes and checkpoints with a failed force, a full disk or a torn write at random points, then a
     * power loss that writes back a random part of the unforced bytes: after reopening, every acknowledged write is
     * there and every row is either acknowledged or was in flight. A small in-process campaign; replay one with
     * {@code -Dtests.seed}.
     */
    @Test
    void randomFaultsAndCrashesLoseNoAcknowledgedWrite() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 60; trial++) {
            FaultyDisk trialDisk = new FaultyDisk();
            MvMetaStore trialMeta = MvMetaStore.inMemory();
            DataStore data = open(trialDisk, trialMeta, 3);
            Map<Object, List<Object>> model = new TreeMap<>();
            Map<Object, List<Object>> inFlight = new TreeMap<>();
            List<Object> deletedInFlight = new ArrayList<>();
            for (int op = 0; op < 25; op++) {
                switch (random.nextInt(25)) {
                    case 0 -> trialDisk.failForce(1 + random.nextInt(4));
                    case 1 -> trialDisk.diskFullAfter(random.nextInt(200));
                    case 2 -> trialDisk.tearAppend(1, random.nextInt(30));
                    case 3 -> trialDisk.clearFaults();
                    default -> { }
                }
                long key = random.nextInt(12);
                int action = random.nextInt(10);
                try {
                    if (action < 6) {
                        Object[] row = row(key, "t" + trial + "o" + op);
                        inFlight.put(key, expected(P0, row));
                        data.put(layout, P0, List.<Object[]>of(row));
                        model.put(key, inFlight.remove(key));
                    } else if (action < 9) {
                        deletedInFlight.add(key);
                        data.delete(layout, List.of(key));
                        deletedInFlight.remove(Long.valueOf(key));
                        model.remove(key);
                    } else {
                        data.checkpoint();
                    }
                } catch (StorageException e) {
                    // not acknowledged: the write may or may not survive
                }
            }
            trialDisk.crash(random);
            String where = "seed " + SEED + " trial " + trial;
            DataStore reopened = open(trialDisk, trialMeta, 3);
            Map<Object, List<Object>> survived = live(reopened);
            for (Map.Entry<Object, List<Object>> entry : model.entrySet()) {
                List<Object> found = survived.get(entry.getKey());
                boolean acknowledged = entry.getValue().equals(found);
                boolean overwrittenInFlight = found != null && found.equals(inFlight.get(entry.getKey()));
                boolean deletedInFlightOnly = found == null && deletedInFlight.contains(entry.getKey());
                assertThat(acknowledged || overwrittenInFlight || deletedInFlightOnly)
                        .as(where + ": acknowledged row " + entry.getKey() + " is " + found).isTrue();
            }
            for (Map.Entry<Object, List<Object>> entry : survived.entrySet()) {
                assertThat(entry.getValue().equals(model.get(entry.getKey()))
                        || entry.getValue().equals(inFlight.get(entry.getKey())))
                        .as(where + ": row " + entry.getKey() + " was neither acknowledged nor in flight").isTrue();
            }
            reopened.close();
            trialMeta.close();
        }
    }
}
