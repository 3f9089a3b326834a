package dev.vectorvault.bench.ann;

/**
 * The search-parameter values every engine of a kind is measured at: the same list for all graph indexes and the same
 * for all inverted files, so the curves share their sample points.
 *
 * @param ef     graph beam widths; values below k are searched as k
 * @param nprobe inverted lists probed
 */
record Sweeps(int[] ef, int[] nprobe) {
    static final Sweeps FULL = new Sweeps(new int[] {10, 16, 24, 32, 48, 64, 96, 128, 192, 256},
            new int[] {1, 2, 4, 8, 16, 32, 64});
    static final Sweeps QUICK = new Sweeps(new int[] {10, 16, 24, 32, 64, 128}, new int[] {1, 2, 4, 8, 16, 32});

    int[] of(AnnEngine.Kind kind) {
        return kind == AnnEngine.Kind.GRAPH ? ef : nprobe;
    }
}
