package dev.vectorvault.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Prints a {@link DataBenchmark} run: the set-up, then the insert, search, latency and correctness tables. */
final class DataReport {
    /** What the report says about the run beyond the measured cells. */
    record Setup(DataOptions options, String cpu, String jvm, String disk, double loadAtStart, String serverLog,
                 int querySet) {}

    private final Setup setup;
    private final InsertPhase.Result insert;
    private final SearchPhase.Result search;

    DataReport(Setup setup, InsertPhase.Result insert, SearchPhase.Result search) {
        this.setup = setup;
        this.insert = insert;
        this.search = search;
    }

    void print(PrintStream out, double runSeconds) {
        printSetup(out, runSeconds);
        printInsert(out);
        printSearch(out);
        printLatency(out);
        printRecall(out);
        out.println();
        out.flush();
    }

    private void printSetup(PrintStream out, double runSeconds) {
        DataOptions o = setup.options();
        out.println();
        out.println("VectorVault data benchmark: insert and FLAT search through the Milvus gRPC API");
        out.println("============================================================================");
        out.printf(Locale.ROOT, "machine     %s%n", setup.cpu());
        double loadAtEnd = MachineFacts.loadAverage();
        if (setup.loadAtStart() >= 0) {
            out.printf(Locale.ROOT, "load        1-min load average %.2f at start, %.2f at end (this run alone"
                    + " keeps up to %d cores busy)%n", setup.loadAtStart(), loadAtEnd,
                    Runtime.getRuntime().availableProcessors());
        }
        out.printf(Locale.ROOT, "jvm         %s%n", setup.jvm());
        out.printf(Locale.ROOT, "disk        %s%n", setup.disk());
        out.printf(Locale.ROOT, "data        %,d x %d-d float32 (%.1f MiB), %d Gaussian clusters, spread %.2f..%.2f,"
                + " uneven sizes, seed %d%n", o.rows(), o.dim(), o.rows() * (double) o.dim() * 4 / (1 << 20),
                o.clusters(), ClusteredVectors.MIN_SPREAD, ClusteredVectors.MAX_SPREAD, o.seed());
        out.printf(Locale.ROOT, "queries     %,d from an independent stream of the same mixture, cycled; top-%d,"
                + " L2 (squared, as Milvus)%n", setup.querySet(), DataOptions.TOP_K);
        out.println("auth        OFF on every server (protected mode: loopback clients only); the client sends"
                + " root's");
        out.println("            authorization header anyway, as SDKs do, and the server does not check it");
        out.println("transport   plaintext gRPC on 127.0.0.1, generated stubs (io.milvus.grpc), blocking, one"
                + " channel per server;");
        out.println("            client and servers share this JVM and its cores; requests are prebuilt before"
                + " timing");
        out.printf(Locale.ROOT, "schedule    per part: %s s warm-up over all its cells, then %d rounds; per round"
                + " each cell runs %s s,%n            round-robin, odd rounds backwards%n", num(o.warmupSeconds(), 2),
                o.rounds(), num(o.sliceNanos() / 1e9, 2));
        out.printf(Locale.ROOT, "duration    %.0f s in all%n", runSeconds);
        out.printf(Locale.ROOT, "server log  %s%n", setup.serverLog());
    }

    private void printInsert(PrintStream out) {
        DataOptions o = setup.options();
        out.println();
        out.printf(Locale.ROOT, "1. Insert throughput, rows/s (Insert RPC: Int64 id + %d-d FloatVector column;"
                + " %s s per cell)%n", o.dim(), num(o.seconds(), 2));
        out.printf(Locale.ROOT, "   durable  = %s%n", insert.durableSettings());
        out.printf(Locale.ROOT, "   buffered = %s%n", insert.bufferedSettings());
        TextTable rates = new TextTable(0, "batch", "writers", "collections", "durable rows/s", "range",
                "buffered rows/s", "range", "durable/buffered", "per-round median (range)", "errors");
        TextTable costs = new TextTable(0, "batch", "writers", "collections", "durable p50 ms", "p99 ms",
                "buffered p50 ms", "p99 ms", "durable CPU us/row", "buffered CPU us/row");
        long errors = 0;
        String firstError = null;
        for (Pair pair : insertPairs()) {
            CellTally d = pair.durable();
            CellTally b = pair.buffered();
            InsertCell shape = (InsertCell) d.cell();
            errors += d.errors() + b.errors();
            firstError = firstError != null ? firstError : d.firstError() != null ? d.firstError() : b.firstError();
            String[] key = {count(shape.batchRows()), Integer.toString(shape.writers()),
                    Integer.toString(shape.collections())};
            rates.row(key[0], key[1], key[2], count(d.rate()), range(d), count(b.rate()), range(b),
                    fixed(d.rate() / b.rate(), 3), roundRatios(d, b), Long.toString(d.errors() + b.errors()));
            costs.row(key[0], key[1], key[2], fixed(d.latencies().percentileMicros(50) / 1e3, 2),
                    fixed(d.latencies().percentileMicros(99) / 1e3, 2),
                    fixed(b.latencies().percentileMicros(50) / 1e3, 2),
                    fixed(b.latencies().percentileMicros(99) / 1e3, 2), fixed(d.cpuMicrosPerUnit(), 2),
                    fixed(b.cpuMicrosPerUnit(), 2));
        }
        rates.print(out, "   ");
        out.println("   rows/s: all rows acknowledged / all their time; range: slowest..fastest round."
                + " durable/buffered: ratio of the");
        out.println("   totals; per-round: the same ratio taken round by round (durable and buffered run back to"
                + " back in each round).");
        out.println();
        costs.print(out, "   ");
        out.println("   p50/p99: one Insert call as its client saw it. CPU: whole process (client + server, all"
                + " threads) per row;");
        out.println("   waiting for the disk costs no CPU, so durable and buffered CPU should be close.");
        out.printf(Locale.ROOT, "   Request sizes (serialized): %s bytes per batch of %s rows. A collection is"
                + " dropped and recreated,%n", joinCounts(insert.bytesPerRequest()), o.batchList());
        out.printf(Locale.ROOT, "   untimed, each time it holds all %,d rows, so no cell grows past the data set.%n",
                o.rows());
        SearchPhase.Load load = search.load();
        out.printf(Locale.ROOT, "   Loading part 2's data, one pass each, 1 writer, batch %,d, buffered: gRPC Insert"
                + " %,.0f rows/s (Flush after: %.2f s);%n", load.batchRows(), load.rows() / load.grpcSeconds(),
                load.flushSeconds());
        out.printf(Locale.ROOT, "   the server's EntityWriter.insert in-process (validation + WAL + memory, no gRPC)"
                + " %,.0f rows/s;%n", load.rows() / load.engineSeconds());
        out.printf(Locale.ROOT, "   VectorColumn.append alone %,.0f rows/s.%n", load.rows() / load.appendSeconds());
        if (errors > 0) {
            out.printf(Locale.ROOT, "   WARNING: %d insert calls failed (first: %s); their rows are not counted.%n",
                    errors, firstError);
        }
    }

    private void printSearch(PrintStream out) {
        DataOptions o = setup.options();
        out.println();
        out.printf(Locale.ROOT, "2. FLAT search throughput, queries/s (top-%d L2, one query per call, %,d x %d;"
                + " %s s per cell)%n", DataOptions.TOP_K, o.rows(), o.dim(), num(o.seconds(), 2));
        out.printf(Locale.ROOT, "   gRPC server: %s%n", search.settings());
        TextTable table = new TextTable(1, "path", "clients", "queries/s", "range", "scan GB/s", "CPU us/query",
                "vs FlatIndex", "added ms/query", "added CPU us/query", "errors");
        long errors = 0;
        String firstError = null;
        double bytesPerQuery = (double) o.rows() * o.dim() * Float.BYTES;
        for (CellTally tally : search.cells()) {
            SearchCell cell = (SearchCell) tally.cell();
            errors += tally.errors();
            firstError = firstError != null ? firstError : tally.firstError();
            String ratio = "";
            String addedLatency = "";
            String addedCpu = "";
            boolean compared = cell.path() == SearchCell.Path.GRPC || cell.name().equals(SearchPhase.ENGINE_SEARCH);
            CellTally local = compared ? flatTwin(cell.clients()) : null;
            if (local != null) {
                ratio = fixed(tally.rate() / local.rate(), 3);
                // Closed loop: mean latency = clients / throughput, so this is the mean time the server path adds.
                addedLatency = fixed(cell.clients() * (1e3 / tally.rate() - 1e3 / local.rate()), 3);
                addedCpu = fixed(tally.cpuMicrosPerUnit() - local.cpuMicrosPerUnit(), 1);
            }
            table.row(cell.name(), Integer.toString(cell.clients()), count(tally.rate()), range(tally),
                    fixed(tally.rate() * bytesPerQuery / 1e9, 2), fixed(tally.cpuMicrosPerUnit(), 1), ratio,
                    addedLatency, addedCpu, Long.toString(tally.errors()));
        }
        table.print(out, "   ");
        out.println("   scan GB/s: vector bytes read per second (rows x dim x 4 per query); one query at a time is"
                + " memory-bound.");
        out.println("   vs FlatIndex, added: against FlatIndex.search with the same clients (one VectorColumn,"
                + " ACCEPT_ALL filter);");
        out.println("   added ms = mean latency difference (clients / rate). EntityReader.search is the server's"
                + " search code called");
        out.println("   in-process (per-row filter, one scan per segment, merge, result rows): gRPC minus it is"
                + " gRPC + protobuf.");
        out.println("   CPU: whole process (client + server threads) per query.");
        if (errors > 0) {
            out.printf(Locale.ROOT, "   WARNING: %d searches failed (first: %s).%n", errors, firstError);
        }
    }

    private void printLatency(PrintStream out) {
        out.println();
        out.println("3. Search latency with 1 client, milliseconds (every measured query, as the client saw it)");
        TextTable table = new TextTable("path", "queries", "p50", "p99", "mean");
        for (CellTally tally : search.cells()) {
            SearchCell cell = (SearchCell) tally.cell();
            if (cell.clients() == 1) {
                table.row(cell.name(), count(tally.latencies().size()), ms(tally.latencies().percentileMicros(50)),
                        ms(tally.latencies().percentileMicros(99)), ms(1e6 / tally.rate()));
            }
        }
        CellTally grpc = oneClient(SearchPhase.GRPC_SEARCH);
        CellTally engine = oneClient(SearchPhase.ENGINE_SEARCH);
        CellTally flat = oneClient(SearchPhase.FLAT_SEARCH);
        difference(table, "gRPC + protobuf (gRPC - EntityReader)", grpc, engine);
        difference(table, "server search code (EntityReader - FlatIndex)", engine, flat);
        difference(table, "whole server path (gRPC - FlatIndex)", grpc, flat);
        table.print(out, "   ");
        out.println("   A difference of percentiles is not the percentile of a difference: the p99 rows only say"
                + " how the tails compare.");
    }

    private void printRecall(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "4. Correctness: top-%d against brute force in double precision (plain loop, no"
                + " shared code), %d queries%n", DataOptions.TOP_K, search.grpcRecall().queries());
        TextTable table = new TextTable("searcher", "recall@10", "ids found", "tie misses", "short answers",
                "max score error");
        for (Object[] row : new Object[][] {{"gRPC Search", search.grpcRecall()},
                {"FlatIndex.search (in-process)", search.flatRecall()}}) {
            RecallCheck r = (RecallCheck) row[1];
            table.row((String) row[0], fixed(r.recall(), 4), count(r.found()) + " / " + count(r.expected()),
                    Long.toString(r.tieMisses()), Integer.toString(r.shortAnswers()),
                    String.format(Locale.ROOT, "%.1e", r.maxScoreError()));
        }
        table.print(out, "   ");
        boolean exact = search.grpcRecall().recall() == 1.0 && search.flatRecall().recall() == 1.0;
        out.println(exact ? "   Both return exactly the brute-force neighbours: recall@10 = 1.0, as FLAT must."
                : "   WARNING: recall@10 below 1.0 for an exact (FLAT) search. 'tie misses' are rows whose distance"
                        + " equals the\n   10th neighbour's within 1e-5 (float rounding may swap those); any other"
                        + " miss is a bug.");
        out.println("   max score error: largest |returned score - exact distance| / exact distance (float32"
                + " rounding is ~1e-6).");
    }

    /** The durable and the buffered cell of one insert shape (they are next to each other in the cell list). */
    private record Pair(CellTally durable, CellTally buffered) {}

    private List<Pair> insertPairs() {
        List<Pair> pairs = new ArrayList<>();
        List<CellTally> cells = insert.cells();
        for (int i = 0; i + 1 < cells.size(); i += 2) {
            pairs.add(new Pair(cells.get(i), cells.get(i + 1)));
        }
        return pairs;
    }

    private CellTally flatTwin(int clients) {
        for (CellTally tally : search.cells()) {
            SearchCell cell = (SearchCell) tally.cell();
            if (cell.clients() == clients && cell.name().equals(SearchPhase.FLAT_SEARCH)) {
                return tally;
            }
        }
        return null;
    }

    private CellTally oneClient(String name) {
        for (CellTally tally : search.cells()) {
            SearchCell cell = (SearchCell) tally.cell();
            if (cell.clients() == 1 && cell.name().equals(name)) {
                return tally;
            }
        }
        return null;
    }

    private static void difference(TextTable table, String label, CellTally a, CellTally b) {
        if (a == null || b == null) {
            return;
        }
        table.row(label, "", signedMs(a.latencies().percentileMicros(50) - b.latencies().percentileMicros(50)),
                signedMs(a.latencies().percentileMicros(99) - b.latencies().percentileMicros(99)),
                signedMs(1e6 / a.rate() - 1e6 / b.rate()));
    }

    /**
     * The median of the per-round ratios and their range: unlike the ratio of totals, one round that caught the
     * machine in a fast or slow moment cannot move the median much, and the range shows how far one round can be
     * trusted.
     */
    private static String roundRatios(CellTally a, CellTally b) {
        double[] ratios = new double[a.rounds()];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = a.roundRate(r) / b.roundRate(r);
        }
        Arrays.sort(ratios);
        int n = ratios.length;
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        return fixed(median, 2) + " (" + fixed(ratios[0], 2) + ".." + fixed(ratios[n - 1], 2) + ")";
    }

    private static String range(CellTally tally) {
        return count(tally.minRoundRate()) + ".." + count(tally.maxRoundRate());
    }

    private static String joinCounts(long[] values) {
        List<String> parts = new ArrayList<>();
        for (long v : values) {
            parts.add(count(v));
        }
        return String.join(", ", parts);
    }

    private static String count(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String fixed(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String ms(double micros) {
        return fixed(micros / 1e3, 3);
    }

    private static String signedMs(double micros) {
        return String.format(Locale.ROOT, "%+.3f", micros / 1e3);
    }

    private static String num(double value, int decimals) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
