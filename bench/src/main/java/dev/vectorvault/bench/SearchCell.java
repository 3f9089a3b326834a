package dev.vectorvault.bench;

/**
 * A search load: {@code clients} synchronous clients, each sending one query at a time and cycling through the query
 * set from its own starting point. Whether a query goes over gRPC or straight to the index is the {@link Searcher}'s
 * business, so both kinds of cell are driven by the very same loop.
 */
final class SearchCell implements Cell {
    /** Answers query number {@code query}; returns the number of hits, which the caller checks is not 0. */
    @FunctionalInterface
    interface Searcher {
        int search(int query);
    }

    /** Where a cell's queries go, for the report: through the server, or in-process on the index. */
    enum Path { GRPC, IN_PROCESS }

    private final String name;
    private final Path path;
    private final int clients;
    private final Searcher searcher;
    private final int queryCount;
    /** Per client: the next query; each slot is touched only by the client that owns it. */
    private final int[] cursors;

    SearchCell(String name, Path path, int clients, Searcher searcher, int queryCount) {
        this.name = name;
        this.path = path;
        this.clients = clients;
        this.searcher = searcher;
        this.queryCount = queryCount;
        this.cursors = new int[clients];
        for (int c = 0; c < clients; c++) {
            cursors[c] = (int) ((long) queryCount * c / clients);
        }
    }

    @Override
    public String name() {
        return name;
    }

    Path path() {
        return path;
    }

    int clients() {
        return clients;
    }

    @Override
    public ClientLoop.Result run(long nanos, LatencySamples latencies) throws InterruptedException {
        return ClientLoop.run(clients, System.nanoTime() + nanos, this::searchNext, latencies);
    }

    private long searchNext(int client) {
        int query = cursors[client];
        cursors[client] = query + 1 == queryCount ? 0 : query + 1;
        if (searcher.search(query) == 0) {
            throw new IllegalStateException("query " + query + " returned no hits");
        }
        return 1;
    }
}
