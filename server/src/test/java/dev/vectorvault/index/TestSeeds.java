package dev.vectorvault.index;

import java.util.Random;

/**
 * Seeds for randomized tests: random per run, printed so a failure can be replayed with {@code -Dtests.seed=N}
 * (surefire passes system properties through to the forked JVM). Every test derives its own {@link Random} from the
 * seed and its name, so replaying one test does not depend on which others ran first.
 */
final class TestSeeds {
    private static final long RUN_SEED = Long.getLong("tests.seed", new Random().nextLong());

    private TestSeeds() {}

    static long seed() {
        return RUN_SEED;
    }

    static Random random(String testName) {
        System.out.printf("%s tests.seed=%d%n", testName, RUN_SEED);
        return new Random(RUN_SEED ^ testName.hashCode());
    }

    /** For assertion descriptions, so the seed is in the failure message itself. */
    static String describe(String what) {
        return what + " (replay with -Dtests.seed=" + RUN_SEED + ")";
    }

    static float[] gaussian(Random random, int dim) {
        float[] vector = new float[dim];
        for (int i = 0; i < dim; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }

    /** Small integers: every L2 and IP score over them is exact in float, so results can be compared exactly. */
    static float[] smallIntegers(Random random, int dim, int bound) {
        float[] vector = new float[dim];
        for (int i = 0; i < dim; i++) {
            vector[i] = random.nextInt(2 * bound + 1) - bound;
        }
        return vector;
    }
}
