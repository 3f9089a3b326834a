package dev.vectorvault.storage.data;

import dev.vectorvault.storage.io.ObjectStore;
import dev.vectorvault.storage.io.ReadHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sealed-data names of {@link SegmentDirectory} ({@code segments/<collection>/<segment>.seg}, {@code .del},
 * {@code <segment>.<field>.<indexId>.<kind>-vN.idx}) laid out on object storage as Milvus lays out its binlogs, so an
 * operator finds a collection's objects where a Milvus operator would look:
 * <pre>
 *   insert_log/&lt;collection&gt;/&lt;segment&gt;/&lt;segment&gt;.seg      rows (our segment file format)
 *   delta_log/&lt;collection&gt;/&lt;segment&gt;/&lt;segment&gt;.del       tombstones (ours)
 *   index_files/&lt;collection&gt;/&lt;segment&gt;/&lt;segment&gt;.*.idx  approximate indexes (ours)
 * </pre>
 * The files inside are our own formats, not Milvus's binlogs. Other names pass through unchanged.
 */
final class MilvusObjectKeys implements ObjectStore {
    private static final String SEGMENTS = "segments/";
    private static final List<String> AREAS = List.of("insert_log/", "delta_log/", "index_files/");

    private final ObjectStore bucket;

    MilvusObjectKeys(ObjectStore bucket) {
        this.bucket = bucket;
    }

    static boolean isServerArea(String key) {
        return key.startsWith(SEGMENTS) || AREAS.stream().anyMatch(key::startsWith);
    }

    /** The object key of a sealed-data name. */
    static String key(String name) {
        if (!name.startsWith(SEGMENTS)) {
            return name;
        }
        int slash = name.indexOf('/', SEGMENTS.length());
        int dot = name.indexOf('.', slash + 1);
        if (slash < 0 || dot <= slash + 1) {
            return name;
        }
        String collection = name.substring(SEGMENTS.length(), slash);
        String file = name.substring(slash + 1);
        String segment = file.substring(0, dot - slash - 1);
        String area = file.endsWith(".seg") ? AREAS.get(0) : file.endsWith(".del") ? AREAS.get(1) : AREAS.get(2);
        return area + collection + "/" + segment + "/" + file;
    }

    /** The sealed-data name of an object key in one of the three areas; empty for a key of another shape. */
    static Optional<String> name(String key) {
        for (String area : AREAS) {
            if (key.startsWith(area)) {
                String[] parts = key.substring(area.length()).split("/", -1);
                if (parts.length == 3 && !parts[0].isEmpty() && parts[2].startsWith(parts[1] + ".")) {
                    return Optional.of(SEGMENTS + parts[0] + "/" + parts[2]);
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public void write(String name, Contents contents) throws IOException {
        bucket.write(key(name), contents);
    }

    @Override
    public long size(String name) throws IOException {
        return bucket.size(key(name));
    }

    @Override
    public int read(String name, long position, ByteBuffer into) throws IOException {
        return bucket.read(key(name), position, into);
    }

    @Override
    public byte[] readAll(String name) throws IOException {
        return bucket.readAll(key(name));
    }

    @Override
    public ReadHandle openReader(String name) throws IOException {
        return bucket.openReader(key(name));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return bucket.exists(key(name));
    }

    /** Lists the three areas for a prefix under {@code segments/} (whole, or one collection's folder). */
    @Override
    public List<String> list(String prefix) throws IOException {
        if (!prefix.startsWith(SEGMENTS)) {
            return bucket.list(prefix);
        }
        String rest = prefix.substring(SEGMENTS.length());
        int slash = rest.indexOf('/');
        // One collection's folder when the prefix names one; else everything, filtered by the prefix.
        String collectionFolder = slash < 0 ? "" : rest.substring(0, slash + 1);
        List<String> names = new ArrayList<>();
        for (String area : AREAS) {
            for (String key : bucket.list(area + collectionFolder)) {
                name(key).filter(n -> n.startsWith(prefix)).ifPresent(names::add);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name) throws IOException {
        bucket.delete(key(name));
    }

    @Override
    public String describe(String name) {
        return bucket.describe(key(name));
    }

    @Override
    public String toString() {
        return "MilvusObjectKeys[" + bucket + "]";
    }
}
