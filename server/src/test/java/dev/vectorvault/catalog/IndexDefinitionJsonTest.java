package dev.vectorvault.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.index.MetricType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metric is a {@link MetricType} in memory but stays its wire name in the stored catalog JSON, byte for byte as
 * version 1 wrote it (the frozen record under {@code formats/v1/records}), so catalogs written before and after read
 * each other.
 */
@Timeout(60)
class IndexDefinitionJsonTest {
    /** The catalog store's mapping (plain Jackson); the index definitions inside a collection record use it. */
    private final ObjectMapper json = new ObjectMapper();

    private static final String FROZEN_VECTOR_INDEX = "{\"indexId\":1004,\"indexName\":\"vec_hnsw\",\"fieldName\":"
            + "\"vec\",\"indexType\":\"HNSW\",\"metricType\":\"L2\",\"params\":{\"M\":\"8\",\"efConstruction\":\"32\"},"
            + "\"createdTimestamp\":470930757384667136}";

    @Test
    void theFrozenRecordHoldsTheIndexAsWrittenNow() throws Exception {
        String frozen = Files.readString(Path.of(getClass().getResource("/formats/v1/records/catalog-collection.json")
                .toURI()), StandardCharsets.UTF_8);
        assertThat(frozen).contains(FROZEN_VECTOR_INDEX);

        IndexDefinition read = json.readValue(FROZEN_VECTOR_INDEX, IndexDefinition.class);
        assertThat(read.metric()).contains(MetricType.L2);
        assertThat(read.kind()).isPresent();
        // Byte for byte up to the params and after them; the params map's order is the JVM's (Map.copyOf), as before.
        String written = json.writeValueAsString(read);
        int params = FROZEN_VECTOR_INDEX.indexOf("\"params\":");
        int after = FROZEN_VECTOR_INDEX.indexOf(",\"createdTimestamp\"");
        assertThat(written).startsWith(FROZEN_VECTOR_INDEX.substring(0, params))
                .endsWith(FROZEN_VECTOR_INDEX.substring(after));
        assertThat(json.readTree(written)).isEqualTo(json.readTree(FROZEN_VECTOR_INDEX));
    }

    @Test
    void aScalarIndexStoresAnEmptyMetricAsBefore() throws Exception {
        IndexDefinition scalar = new IndexDefinition(7, "t", "title", "INVERTED", Optional.empty(), Map.of(), 9);
        String written = json.writeValueAsString(scalar);
        assertThat(written).isEqualTo("{\"indexId\":7,\"indexName\":\"t\",\"fieldName\":\"title\",\"indexType\":"
                + "\"INVERTED\",\"metricType\":\"\",\"params\":{},\"createdTimestamp\":9}");
        assertThat(json.readValue(written, IndexDefinition.class)).isEqualTo(scalar);
        assertThat(scalar.kind()).isEmpty();
    }

    @Test
    void everyMetricRoundTripsAndAStoredNameThatIsNoMetricIsRefused() throws Exception {
        for (MetricType metric : MetricType.values()) {
            IndexDefinition index = new IndexDefinition(1, "i", "v", "FLAT", Optional.of(metric), Map.of(), 2);
            String written = json.writeValueAsString(index);
            assertThat(written).contains("\"metricType\":\"" + metric.wireName() + "\"");
            assertThat(json.readValue(written, IndexDefinition.class)).isEqualTo(index);
        }
        assertThatThrownBy(() -> json.readValue(FROZEN_VECTOR_INDEX.replace("\"L2\"", "\"SUBSTRUCTURE\""),
                IndexDefinition.class)).hasMessageContaining("metric type SUBSTRUCTURE");
    }
}
