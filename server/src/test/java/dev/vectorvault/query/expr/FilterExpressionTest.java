package dev.vectorvault.query.expr;

import static dev.vectorvault.query.expr.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FilterExpressionTest {
    @Test
    void emptyAndBlankFiltersMatchEveryRow() {
        assertThat(FilterExpression.alwaysTrue().test(row())).isTrue();
        assertThat(FilterExpression.parse("", Fixtures.SCHEMA, Map.of()).test(row())).isTrue();
        assertThat(FilterExpression.parse(" \n\t", Fixtures.SCHEMA, Map.of()).test(row())).isTrue();
    }

    @Test
    void textIsKeptForDiagnostics() {
        assertThat(Fixtures.parse("age > 1")).hasToString("age > 1");
    }

    @Test
    void oneParsedExpressionServesManyThreads() throws Exception {
        FilterExpression filter = Fixtures.parse(
                "age % 3 == 0 and name like \"n%\" and (price > 1.5 or array_contains(scores, 0))");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                counts.add(pool.submit(() -> {
                    int matched = 0;
                    for (long age = 0; age < 30_000; age++) {
                        Row row = row("age", age, "name", "n" + age, "price", 1.0, "scores", List.of(0L));
                        matched += filter.test(row) ? 1 : 0;
                    }
                    return matched;
                }));
            }
            for (Future<Integer> count : counts) {
                assertThat(count.get()).isEqualTo(10_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
