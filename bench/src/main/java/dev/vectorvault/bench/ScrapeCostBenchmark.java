package dev.vectorvault.bench;

import io.milvus.grpc.SearchRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a Prometheus scrape of {@code /metrics} costs (issue 15), on one in-process server with authentication on, so
 * every scrape carries HTTP Basic credentials of root as a real scraper's would:
 * <ol>
 *   <li>With 1, 100 and 1,000 collections (each loaded, a few rows): scrapes one at a time on an otherwise idle
 *   server, after as many unmeasured ones; p50/p99 latency, body bytes, series (non-comment lines) and the CPU
 *   the management threads (handler pool and HTTP dispatcher) used per scrape, read from the JVM's per-thread CPU
 *   clocks. The process's CPU per scrape is shown too; it includes the client and whatever else the JVM ran
 *   meanwhile (JIT, GC, the server's background tasks).</li>
 *   <li>At the largest collection count: small-search throughput with no scraper, with one scraping every 1 s and
 *   with one scraping every 100 ms, in alternating windows (the order rotates each round, so a drift of the machine
 *   lands on every side alike), and each side's ratio to no scraping.</li>
 * </ol>
 * <pre>bin/bench-scrape [--collections 1,100,1000] [--scrapes N] [--seconds S] [--rounds N] [--threads N] ...</pre>
 */
public final class ScrapeCostBenchmark {
    /** The thread names the management port's requests run on: its handler pool and the JDK server's dispatcher. */
    private static final List<String> MANAGEMENT_THREADS = List.of("management-http", "HTTP-Dispatcher");

    private ScrapeCostBenchmark() {}

    @Command(name = "bench-scrape")
    static final class Flags {
        @Option(names = "--collections", split = ",", defaultValue = "1,100,1000")
        int[] collections;
        /** Measured scrapes per collection count (after a few unmeasured ones). */
        @Option(names = "--scrapes", defaultValue = "200")
        int scrapes;
        @Option(names = "--rows", defaultValue = "10")
        int rows;
        @Option(names = "--search-rows", defaultValue = "2000")
        int searchRows;
        @Option(names = "--dim", defaultValue = "128")
        int dim;
        @Option(names = "--seconds", defaultValue = "3")
        double seconds;
        @Option(names = "--rounds", defaultValue = "4")
        int rounds;
        @Option(names = "--threads", defaultValue = "2")
        int threads;
        @Option(names = "--seed", defaultValue = "42")
        long seed;
    }

    /** One measured side of part 2: a scrape interval (0: no scraper) and its totals over every round. */
    private static final class Side {
        final String name;
        final long intervalMillis;
        final LatencySamples latencies = new LatencySamples();
        final double[] perRound;
        long searches;
        long errors;
        long nanos;
        long scrapes;

        Side(String name, long intervalMillis, int rounds) {
            this.name = name;
            this.intervalMillis = intervalMillis;
            this.perRound = new double[rounds];
        }

        double rate() {
            return nanos == 0 ? 0 : searches * 1e9 / nanos;
        }
    }

    public static void main(String[] args) throws Exception {
        Flags f = OptionChecks.parse(new Flags(), args);
        int[] counts = Arrays.stream(f.collections).map(c -> OptionChecks.atLeast("collections", c, 1)).sorted()
                .distinct().toArray();
        int scrapes = OptionChecks.atLeast("scrapes", f.scrapes, 10);
        int rows = OptionChecks.atLeast("rows", f.rows, 1);
        int searchRows = OptionChecks.atLeast("search-rows", f.searchRows, 10);
        int dim = OptionChecks.atLeast("dim", f.dim, 2);
        double seconds = OptionChecks.atLeast("seconds", f.seconds, 0.5);
        int rounds = OptionChecks.atLeast("rounds", f.rounds, 1);
        int threads = OptionChecks.atLeast("threads", f.threads, 1);
        Progress progress = new Progress(System.err);
        System.err.println("bench-scrape: seed " + f.seed + "; server log " + ServerLogging.redirectToFile());
        Random random = new Random(f.seed);
        float[][] searchData = vectors(random, searchRows, dim);
        float[][] smallData = vectors(random, rows, dim);
        List<SearchRequest> queries = new ArrayList<>();
        for (float[] query : vectors(random, 64, dim)) {
            queries.add(MilvusMessages.search("c0", query, 10));
        }

        try (BenchServer server = BenchServer.start("scrape", "authentication on", Map.of(
                "common.security.authorizationEnabled", "true", "common.metricsPort", "0"))) {
            var stub = server.blocking(BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
            Scraper scraper = new Scraper(server.managementPort(), BenchServer.ROOT, BenchServer.ROOT_PASSWORD);
            VectorCollection searched = new VectorCollection(stub, "c0", dim);
            TextTable scrapeTable = new TextTable("collections", "p50 ms", "p99 ms", "body bytes", "series",
                    "mgmt CPU us/scrape", "process CPU us/scrape");
            int created = 0;
            for (int count : counts) {
                for (; created < count; created++) {
                    VectorCollection collection = created == 0 ? searched
                            : new VectorCollection(stub, "c" + created, dim);
                    collection.create();
                    float[][] data = created == 0 ? searchData : smallData;
                    for (int from = 0; from < data.length; from += 1_000) {
                        collection.insert(MilvusMessages.insert(data, from, Math.min(data.length, from + 1_000)));
                    }
                }
                progress.note("%d collections; scraping %d + %d times", count, scrapes, scrapes);
                for (int i = 0; i < scrapes; i++) {
                    scraper.scrape(); // warm-up as long as the measurement: JIT, connection, credential cache
                }
                LatencySamples latencies = new LatencySamples();
                long managementBefore = managementCpuNanos();
                long processBefore = ProcessCpu.nanos();
                Scraper.Body last = null;
                for (int i = 0; i < scrapes; i++) {
                    long start = System.nanoTime();
                    last = scraper.scrape();
                    latencies.add(System.nanoTime() - start);
                }
                long management = managementCpuNanos() - managementBefore;
                long process = ProcessCpu.nanos() - processBefore;
                scrapeTable.row(Integer.toString(count), ms(latencies.percentileMicros(50)),
                        ms(latencies.percentileMicros(99)), Integer.toString(last.bytes()),
                        Integer.toString(last.series()), managementBefore < 0 ? "n/a" : us(management / 1e3 / scrapes),
                        processBefore < 0 ? "n/a" : us(process / 1e3 / scrapes));
            }

            List<Side> sides = List.of(new Side("no scraping", 0, rounds), new Side("scrape every 1 s", 1_000, rounds),
                    new Side("scrape every 100 ms", 100, rounds));
            long slice = (long) (seconds * 1e9);
            ClientLoop.Step search = thread -> {
                searched.search(queries.get(ThreadLocalRandom.current().nextInt(queries.size())));
                return 1;
            };
            progress.note("search throughput warm-up");
            for (Side side : sides) {
                withScraper(scraper, side.intervalMillis, () -> ClientLoop.run(threads,
                        System.nanoTime() + Math.min(slice, 2_000_000_000L), search, null));
            }
            for (int r = 0; r < rounds; r++) {
                progress.note("search throughput round %d of %d", r + 1, rounds);
                for (int k = 0; k < sides.size(); k++) {
                    Side side = sides.get((k + r) % sides.size());
                    ClientLoop.Result[] result = new ClientLoop.Result[1];
                    side.scrapes += withScraper(scraper, side.intervalMillis, () -> result[0] = ClientLoop.run(
                            threads, System.nanoTime() + slice, search, side.latencies));
                    Window window = result[0].window();
                    if (result[0].firstError() != null) {
                        System.err.println("bench-scrape: " + side.name + ": " + result[0].firstError());
                    }
                    side.searches += window.calls();
                    side.errors += window.errors();
                    side.nanos += window.nanos();
                    side.perRound[r] = window.callsPerSecond();
                }
            }

            System.out.printf(Locale.ROOT, "%nbench-scrape: %s, %s, load average %.1f; authentication on, /metrics"
                    + " over HTTP/1.1 keep-alive with Basic credentials of root%n%n", MachineFacts.cpu(),
                    MachineFacts.jvm(), MachineFacts.loadAverage());
            System.out.printf(Locale.ROOT, "1. One scrape at a time on an idle server (%d measured scrapes per row;"
                    + " every collection loaded, FLAT, %d rows each, c0 %d rows); mgmt CPU = the management port's"
                    + " threads, process CPU = the whole JVM, client included%n%n", scrapes, rows, searchRows);
            scrapeTable.print(System.out, "  ");
            Side none = sides.get(0);
            System.out.printf(Locale.ROOT, "%n2. Small searches (FLAT %d x %d, top 10, nq 1) from %d client threads"
                    + " with %d collections, %d rounds x %.1f s per side, order rotating%n%n", searchRows, dim,
                    threads, created, rounds, seconds);
            TextTable searchTable = new TextTable("side", "searches/s", "p50 us", "p99 us", "scrapes", "errors",
                    "ratio to none", "per-round ratios");
            for (Side side : sides) {
                StringBuilder perRound = new StringBuilder();
                for (int r = 0; r < rounds; r++) {
                    perRound.append(r == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f",
                            side.perRound[r] / none.perRound[r]));
                }
                searchTable.row(side.name, String.format(Locale.ROOT, "%.0f", side.rate()),
                        us(side.latencies.percentileMicros(50)), us(side.latencies.percentileMicros(99)),
                        Long.toString(side.scrapes), Long.toString(side.errors),
                        String.format(Locale.ROOT, "%.3f", side.rate() / none.rate()), perRound.toString());
            }
            searchTable.print(System.out, "  ");
        }
    }

    private interface Measured {
        void run() throws Exception;
    }

    /**
     * Runs {@code measured} while a scraper thread fetches /metrics every {@code intervalMillis} (none when 0), at a
     * fixed rate as Prometheus does; returns how many scrapes it did.
     */
    private static long withScraper(Scraper scraper, long intervalMillis, Measured measured) throws Exception {
        if (intervalMillis == 0) {
            measured.run();
            return 0;
        }
        AtomicBoolean stop = new AtomicBoolean();
        long[] done = new long[1];
        Thread thread = new Thread(() -> {
            long next = System.nanoTime();
            while (!stop.get()) {
                try {
                    scraper.scrape();
                    done[0]++;
                } catch (IllegalStateException e) {
                    if (!stop.get()) {
                        System.err.println("bench-scrape: scrape failed: " + e.getMessage());
                    }
                    return;
                }
                next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                } else {
                    next = System.nanoTime(); // late: no burst to catch up, as a scraper skips missed ticks
                }
            }
        }, "bench-scraper");
        thread.setDaemon(true);
        thread.start();
        try {
            measured.run();
        } finally {
            stop.set(true);
            thread.interrupt();
            thread.join();
        }
        return done[0];
    }

    /** A scraper with one keep-alive connection and root's Basic credentials; a non-200 answer is an exception. */
    private static final class Scraper {
        record Body(int bytes, int series) {}

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final HttpRequest request;

        Scraper(int port, String user, String password) {
            String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            this.request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Authorization", "Basic " + credentials).GET().build();
        }

        Body scrape() {
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("/metrics: HTTP " + response.statusCode());
                }
                byte[] body = response.body();
                int series = 0;
                boolean lineStart = true;
                for (byte b : body) {
                    if (lineStart && b != '#' && b != '\n') {
                        series++;
                    }
                    lineStart = b == '\n';
                }
                return new Body(body.length, series);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("/metrics: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("/metrics interrupted", e);
            }
        }
    }

    /** CPU time so far of the management port's threads, or -1 when the JVM does not measure thread CPU. */
    private static long managementCpuNanos() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!bean.isThreadCpuTimeSupported() || !bean.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (MANAGEMENT_THREADS.contains(thread.getName())) {
                total += Math.max(0, bean.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    private static float[][] vectors(Random random, int count, int dim) {
        float[][] out = new float[count][dim];
        for (float[] v : out) {
            for (int d = 0; d < dim; d++) {
                v[d] = random.nextFloat() * 2 - 1;
            }
        }
        return out;
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1e3);
    }

    private static String us(double micros) {
        return String.format(Locale.ROOT, "%.0f", micros);
    }
}
