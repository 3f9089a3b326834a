package dev.vectorvault.storage.data;

import dev.vectorvault.common.ErrorCode;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.storage.MetaStore;
import dev.vectorvault.storage.data.DataManifest.SegmentRef;
import dev.vectorvault.storage.data.DataManifest.ShardPosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Where checkpoints record their {@link DataManifest}: one record per store ({@link #node}, the embedded mode and a
 * cluster node with its own log), or one record per collection ({@link #perCollection}, a cluster on Kafka), so
 * that a collection's manifest can pass to another node with its ownership and a former owner cannot overwrite it.
 */
public abstract sealed class Manifests permits Manifests.Node, Manifests.PerCollection {
    /** One manifest record per collection, kept where every node finds it; each written only by its owner. */
    public interface CollectionRecords {
        /** The collection's record; empty before its first checkpoint. */
        Optional<byte[]> read(long collectionId);

        /** Writes the collection's record only while this node owns the collection; returns whether it wrote. */
        boolean writeWhileOwner(long collectionId, byte[] record);
    }

    /** The store's one record under {@link DataManifest#KEY} of {@code meta}. */
    public static Manifests node(MetaStore meta) {
        return new Node(meta);
    }

    /**
     * A record per collection in {@code records}; a start-up reads those of {@code served} (the collections this
     * node owns).
     */
    public static Manifests perCollection(CollectionRecords records, Supplier<Collection<Long>> served) {
        return new PerCollection(records, served);
    }

    /** The manifest of the last checkpoint; {@link DataManifest#EMPTY} before the first. */
    abstract DataManifest read();

    /** The part of the last checkpoint's manifest about one collection. */
    abstract DataManifest readCollection(long collectionId);

    /** Keeps only what concerns {@code collectionId}. */
    static DataManifest partOf(DataManifest manifest, long collectionId) {
        return new DataManifest(0,
                manifest.segments().stream().filter(s -> s.collectionId() == collectionId).toList(),
                manifest.shardPositions().stream().filter(p -> p.collectionId() == collectionId).toList());
    }

    /**
     * Records a checkpoint's manifest.
     *
     * @throws MilvusException {@code LOG_WRITER_FENCED} when this node no longer owns a collection it names (its
     *                         part is not recorded; the other collections' are)
     */
    abstract void write(DataManifest manifest);

    static final class Node extends Manifests {
        private final MetaStore meta;

        Node(MetaStore meta) {
            this.meta = meta;
        }

        @Override
        DataManifest read() {
            return meta.get(DataManifest.KEY).map(DataManifest::decode).orElse(DataManifest.EMPTY);
        }

        @Override
        void write(DataManifest manifest) {
            meta.put(DataManifest.KEY, manifest.encode());
        }

        @Override
        DataManifest readCollection(long collectionId) {
            return partOf(read(), collectionId);
        }
    }

    static final class PerCollection extends Manifests {
        private final CollectionRecords records;
        private final Supplier<Collection<Long>> served;

        PerCollection(CollectionRecords records, Supplier<Collection<Long>> served) {
            this.records = records;
            this.served = served;
        }

        @Override
        DataManifest read() {
            List<SegmentRef> segments = new ArrayList<>();
            List<ShardPosition> positions = new ArrayList<>();
            for (long collectionId : new TreeSet<>(served.get())) {
                records.read(collectionId).map(DataManifest::decode).ifPresent(part -> {
                    // A record holds its own collection only; anything else in it is ignored, never loaded twice.
                    part.segments().stream().filter(s -> s.collectionId() == collectionId).forEach(segments::add);
                    part.shardPositions().stream().filter(p -> p.collectionId() == collectionId)
                            .forEach(positions::add);
                });
            }
            return new DataManifest(0, segments, positions);
        }

        @Override
        DataManifest readCollection(long collectionId) {
            return records.read(collectionId).map(DataManifest::decode).map(m -> partOf(m, collectionId))
                    .orElse(DataManifest.EMPTY);
        }

        @Override
        void write(DataManifest manifest) {
            Map<Long, List<SegmentRef>> segments = new TreeMap<>();
            Map<Long, List<ShardPosition>> positions = new TreeMap<>();
            for (SegmentRef ref : manifest.segments()) {
                segments.computeIfAbsent(ref.collectionId(), id -> new ArrayList<>()).add(ref);
                positions.putIfAbsent(ref.collectionId(), new ArrayList<>());
            }
            for (ShardPosition position : manifest.shardPositions()) {
                positions.computeIfAbsent(position.collectionId(), id -> new ArrayList<>()).add(position);
            }
            List<Long> lost = new ArrayList<>();
            positions.forEach((collectionId, shardPositions) -> {
                DataManifest part = new DataManifest(0, segments.getOrDefault(collectionId, List.of()),
                        shardPositions);
                if (!records.writeWhileOwner(collectionId, part.encode())) {
                    lost.add(collectionId);
                }
            });
            if (!lost.isEmpty()) {
                throw new MilvusException(ErrorCode.LOG_WRITER_FENCED, "this node no longer owns collection(s) "
                        + lost + ": their checkpoint was not recorded (another node took them over)");
            }
        }
    }
}
