package dev.vectorvault.query;

import static dev.vectorvault.catalog.TestSchemas.array;
import static dev.vectorvault.catalog.TestSchemas.field;
import static dev.vectorvault.catalog.TestSchemas.int64Key;
import static dev.vectorvault.catalog.TestSchemas.schema;
import static dev.vectorvault.catalog.TestSchemas.varchar;
import static dev.vectorvault.catalog.TestSchemas.vector;
import static dev.vectorvault.query.EntityFixture.DB;
import static dev.vectorvault.query.EntityFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectorvault.catalog.DataType;
import dev.vectorvault.common.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AlterCollectionField: {@code max_length} and {@code max_capacity} as Milvus 2.6 allows, enforced on later inserts. */
@Timeout(60)
class AlterCollectionFieldTest {
    @TempDir
    Path dir;

    private EntityFixture fx;

    @BeforeEach
    void setUp() {
        fx = new EntityFixture(dir, 16);
        fx.createLoaded("t", schema(int64Key("id"), vector("vec", 2), varchar("s", 4),
                array("a", DataType.INT64, 2, 0), field("n", DataType.INT64)), "L2");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void insert(long id, String s, List<Long> a) {
        fx.writer.insert(DB, "t", "", batch(1, "id", List.of(id), "vec", List.of(new float[] {1, 2}), "s", List.of(s),
                "a", List.of(a), "n", List.of(0L)));
    }

    @Test
    void raisedLimitsAdmitLongerValuesAndLoweredOnesRefuseThem() {
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> insert(1, "toolong", List.of(1L)));
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> insert(1, "ok", List.of(1L, 2L, 3L)));

        fx.catalog.alterField(DB, "t", "s", Map.of("max_length", "16"), List.of());
        fx.catalog.alterField(DB, "t", "a", Map.of("max_capacity", "3"), List.of());
        insert(1, "toolong", List.of(1L, 2L, 3L));
        assertThat(fx.catalog.collection(DB, "t").schema().field("s").orElseThrow().maxLength()).isEqualTo(16);
        assertThat(fx.catalog.collection(DB, "t").schema().version()).isEqualTo(2);

        fx.restart();
        assertThat(fx.catalog.collection(DB, "t").schema().field("a").orElseThrow().maxCapacity()).isEqualTo(3);
        fx.catalog.alterField(DB, "t", "s", Map.of("max_length", "2"), List.of());
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID, () -> insert(2, "abc", List.of()));
        insert(2, "ab", List.of());
        assertThat(EntityFixture.keys(fx.reader.query(EntityFixture.query("t", "id >= 0", List.of("s"), 10, 0))))
                .containsExactly(1L, 2L); // the longer value stored before stays
    }

    @Test
    void whatMilvusDoesNotAllowIsRefusedAndChangesNothing() {
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "n", Map.of("max_length", "8"), List.of()))
                .hasMessageContaining("can not modify the maxlength for non-string types");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of("max_length", "65536"), List.of()))
                .hasMessageContaining("65536 exceeds the maximum allowed value 65535");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of("max_length", "x"), List.of()))
                .hasMessageContaining("max_length should be an integer");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of("max_capacity", "3"), List.of()))
                .hasMessageContaining("can not modify the maxcapacity for non-array types");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "a", Map.of("max_capacity", "4097"), List.of()))
                .hasMessageContaining("the maximum capacity specified for a Array should be in (0, 4096]");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of("dim", "8"), List.of()))
                .hasMessageContaining("dim does not allow update in collection field param");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of("mmap.enabled", "true"), List.of()))
                .hasMessageContaining("mmap.enabled of AlterCollectionField is not supported by this server");
        EntityFixture.failsWith(ErrorCode.PARAMETER_INVALID,
                () -> fx.catalog.alterField(DB, "t", "s", Map.of(), List.of("max_length")))
                .hasMessageContaining("max_length is not allowed to drop in collection field param");
        EntityFixture.failsWith(ErrorCode.UNEXPECTED,
                () -> fx.catalog.alterField(DB, "t", "nope", Map.of("max_length", "8"), List.of()))
                .hasMessageContaining("field not found[field=nope]");
        assertThat(fx.catalog.collection(DB, "t").schema().version()).isZero();
        assertThat(fx.catalog.collection(DB, "t").schema().field("s").orElseThrow().maxLength()).isEqualTo(4);
    }
}
