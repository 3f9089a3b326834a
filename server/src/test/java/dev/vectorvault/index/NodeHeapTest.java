package dev.vectorvault.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NodeHeapTest {
    private record Pair(int node, float distance) {
    }

    /** Nearest first, ties by smaller node: the order a nearest-on-top heap pops in. */
    private static final Comparator<Pair> NEAREST_FIRST =
            Comparator.comparingDouble(Pair::distance).thenComparingInt(Pair::node);

    @Test
    void popsInDistanceOrderWithTiesByNodeAndGivesEveryDistanceBackExactly() {
        Random random = TestSeeds.random("popsInDistanceOrderWithTiesByNodeAndGivesEveryDistanceBackExactly");
        for (int round = 0; round < 500; round++) {
            List<Pair> pairs = randomPairs(random, random.nextInt(300));
            NodeHeap nearest = NodeHeap.nearestOnTop(4);
            NodeHeap farthest = NodeHeap.farthestOnTop(4);
            for (Pair pair : pairs) {
                nearest.push(pair.node(), pair.distance());
                farthest.push(pair.node(), pair.distance());
            }
            List<Pair> ascending = new ArrayList<>(pairs);
            ascending.sort(NEAREST_FIRST);
            // Farthest first, and among equal distances the larger node first (it is the one a full set evicts).
            List<Pair> descending = new ArrayList<>(pairs);
            descending.sort(NEAREST_FIRST.reversed());
            assertThat(drain(nearest)).containsExactlyElementsOf(ascending);
            assertThat(drain(farthest)).containsExactlyElementsOf(descending);
        }
    }

    @Test
    void drainNearestFirstSortsEitherHeapAscendingAndEmptiesIt() {
        Random random = TestSeeds.random("drainNearestFirstSortsEitherHeapAscendingAndEmptiesIt");
        for (int round = 0; round < 500; round++) {
            List<Pair> pairs = randomPairs(random, random.nextInt(300));
            List<Pair> ascending = new ArrayList<>(pairs);
            ascending.sort(NEAREST_FIRST);
            for (NodeHeap heap : List.of(NodeHeap.nearestOnTop(4), NodeHeap.farthestOnTop(4))) {
                pairs.forEach(pair -> heap.push(pair.node(), pair.distance()));
                int[] nodes = new int[pairs.size()];
                float[] distances = new float[pairs.size()];
                assertThat(heap.drainNearestFirst(nodes, distances)).isEqualTo(pairs.size());
                List<Pair> drained = new ArrayList<>();
                for (int i = 0; i < nodes.length; i++) {
                    drained.add(new Pair(nodes[i], distances[i]));
                }
                assertThat(drained).containsExactlyElementsOf(ascending);
                assertThat(heap.isEmpty()).isTrue();
            }
        }
    }

    @Test
    void replaceTopKeepsTheSameSetAsPushThenPop() {
        Random random = TestSeeds.random("replaceTopKeepsTheSameSetAsPushThenPop");
        for (int round = 0; round < 500; round++) {
            int ef = 1 + random.nextInt(40);
            NodeHeap replaced = NodeHeap.farthestOnTop(ef);
            NodeHeap pushed = NodeHeap.farthestOnTop(ef);
            for (Pair pair : randomPairs(random, random.nextInt(400))) {
                if (replaced.size() < ef) {
                    replaced.push(pair.node(), pair.distance());
                } else if (NEAREST_FIRST.compare(pair, top(replaced)) < 0) {
                    replaced.replaceTop(pair.node(), pair.distance());
                }
                pushed.push(pair.node(), pair.distance());
                if (pushed.size() > ef) {
                    pushed.pop();
                }
            }
            assertThat(drain(replaced)).containsExactlyElementsOf(drain(pushed));
        }
    }

    @Test
    void signedZerosAndExtremesKeepTheirBitsAndOrder() {
        float[] distances = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f,
                Float.MIN_VALUE, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        NodeHeap heap = NodeHeap.nearestOnTop(4);
        for (int i = distances.length - 1; i >= 0; i--) {
            heap.push(Integer.MAX_VALUE - i, distances[i]);
        }
        for (int i = 0; i < distances.length; i++) {
            assertThat(heap.topNode()).isEqualTo(Integer.MAX_VALUE - i);
            assertThat(Float.floatToRawIntBits(heap.topDistance())).isEqualTo(Float.floatToRawIntBits(distances[i]));
            heap.pop();
        }
        assertThat(heap.isEmpty()).isTrue();
    }

    /** Distinct nodes; in half of the rounds only a few distinct distances (some negative), so ties are common. */
    private static List<Pair> randomPairs(Random random, int count) {
        boolean fewDistances = random.nextBoolean();
        List<Pair> pairs = new ArrayList<>();
        int node = random.nextInt(1000);
        for (int i = 0; i < count; i++) {
            node += 1 + random.nextInt(1000);
            float distance = fewDistances ? random.nextInt(5) - 2 : (float) random.nextGaussian() * 100;
            pairs.add(new Pair(node, distance));
        }
        java.util.Collections.shuffle(pairs, random);
        return pairs;
    }

    private static Pair top(NodeHeap heap) {
        return new Pair(heap.topNode(), heap.topDistance());
    }

    private static List<Pair> drain(NodeHeap heap) {
        List<Pair> popped = new ArrayList<>();
        while (!heap.isEmpty()) {
            popped.add(top(heap));
            heap.pop();
        }
        return popped;
    }
}
