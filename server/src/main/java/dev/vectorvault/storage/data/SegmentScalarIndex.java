package dev.vectorvault.storage.data;

import dev.vectorvault.index.ScalarIndex;
import dev.vectorvault.storage.io.ObjectStore;
import java.util.List;

/**
 * The scalar index (STL_SORT, INVERTED, BITMAP) of one sealed segment's field; filters use it once ready, scanning
 * the segment until then.
 */
final class SegmentScalarIndex extends SegmentFieldIndex<List<Object>, ScalarIndex> {
    final ScalarIndexSpec spec;

    SegmentScalarIndex(ScalarIndexSpec spec, long segmentId, int field, int rows) {
        super(segmentId, field, rows);
        this.spec = spec;
    }

    @Override
    ScalarIndex build(List<Object> values) {
        return ScalarIndex.build(spec.type(), values, spec.arrayElements());
    }

    @Override
    void write(ScalarIndex built, ObjectStore store, String file) {
        built.write(store, file);
    }

    @Override
    ScalarIndex read(ObjectStore store, String file, List<Object> values) {
        return ScalarIndex.read(store, file, spec.type(), rows, spec.arrayElements());
    }

    @Override
    String event() {
        return "scalar_index";
    }

    @Override
    String definition() {
        return "type=" + spec.type();
    }

    @Override
    String describe(ScalarIndex built) {
        return "keys=" + built.keyCount();
    }

    @Override
    boolean heldBy(Segment segment) {
        return segment.scalarIndex(field) == this;
    }
}
