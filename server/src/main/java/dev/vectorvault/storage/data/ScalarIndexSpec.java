package dev.vectorvault.storage.data;

import dev.vectorvault.index.ScalarIndex;
import dev.vectorvault.index.ScalarIndexType;
import java.util.Objects;

/**
 * The scalar index a field asks for, as the data layer needs it: its type, whether the field is an array (then the
 * index is over its elements), and the id of the index definition (a dropped and re-created index gets a new id, so
 * its files differ).
 */
public record ScalarIndexSpec(long indexId, ScalarIndexType type, boolean arrayElements) {
    public ScalarIndexSpec {
        Objects.requireNonNull(type, "type");
    }

    /** The file of this index for one segment's field, next to the segment file; it names the body version. */
    String fileName(long segmentId, int field) {
        return segmentId + "." + field + "." + indexId + "." + type.fileKind() + "-v" + ScalarIndex.FILE_VERSION
                + ".idx";
    }
}
