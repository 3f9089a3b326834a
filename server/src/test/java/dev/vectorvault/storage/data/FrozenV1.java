package dev.vectorvault.storage.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The frozen data folder of format version 1 ({@code src/test/resources/formats/v1}, see its README): where it is,
 * how its rows were made, and a copy to open (opening a folder may rewrite it).
 */
final class FrozenV1 {
    static final long DOCS = 1000;
    static final long DOCS_PARTITION = 1001;
    static final long ITEMS = 1002;
    static final long ITEMS_PARTITION = 1003;
    static final List<Long> DOCS_DELETED = List.of(3L, 50L, 77L, 10L);

    private FrozenV1() {}

    static Path folder() {
        try {
            return Path.of(FrozenV1.class.getResource("/formats/v1/datadir").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path records() {
        return folder().resolveSibling("records");
    }

    static Path copyTo(Path target) throws IOException {
        Path source = folder();
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return target;
    }

    /** The layout both collections had: pk INT64, vec FLOAT_VECTOR(4), meta JSON, title VARCHAR. */
    static CollectionLayout layout(long collectionId, long partition) {
        return CollectionLayout.builder(collectionId, 0, new int[] {0, 4, 0, 0})
                .json(false, false, true, false).partitions(Set.of(partition)).build();
    }

    /** Row {@code k} as the generator wrote it. */
    static Object[] row(long key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", key);
        json.put("tags", List.of("t" + key, 1.5));
        return new Object[] {key, new float[] {key, -0.5f * key, (key % 7) * 0.25f, 1f}, json, "title " + key};
    }
}
