package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.MachineFacts;
import dev.vectorvault.index.MetricType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The engines that need a newer Java to run at their best, measured in a child JVM on the Java 25 JDK with
 * {@code jdk.incubator.vector}: Lucene 10.x (which needs Java 21 and uses its SIMD code from there on; its engine
 * lives in the {@code bench-lucene10} module, compiled with that JDK), JVector (whose SIMD variants need Java 20+),
 * and ours again, so ours on Java 17 and on Java 25 stand side by side. The parent writes the vectors and the ground
 * truth as {@code .fvecs}/{@code .ivecs}; the child runs the same {@link SweepRunner} and sends its results back as a
 * small TSV ({@link #main}), so the figures are taken by the same code as in the parent.
 */
final class Jdk25Engines {
    /** Engine names of {@code --engines} handled here, and what the child builds for each. */
    static final List<String> NAMES = List.of("ours-hnsw-jdk25", "jvector-jdk25", "lucene10-jdk25");
    static final String LUCENE10_CLASS = "dev.vectorvault.bench.ann.Lucene10Hnsw";

    private final Path java;
    private final Path classpathFolder;
    private final ProgressLog log;

    /**
     * @param java            the Java 25 launcher
     * @param classpathFolder {@code bench-lucene10/target}: its jar and {@code lib/} (this benchmark's jar included)
     */
    Jdk25Engines(Path java, Path classpathFolder, ProgressLog log) {
        this.java = java;
        this.classpathFolder = classpathFolder;
        this.log = log;
    }

    List<EngineRun> run(Dataset data, int[][] truth, Path folder, BuildSettings settings, boolean quick,
                        int rounds, List<String> engines) throws IOException, InterruptedException {
        if (!Files.isExecutable(java)) {
            throw new IOException("no Java 25 launcher at " + java + " (--jdk25 names the JDK)");
        }
        Path jar = classpathFolder.resolve("vectorvault-bench-lucene10.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " is missing: the bench-lucene10 module builds when the Java 25 JDK is"
                    + " installed (mvn -pl bench-lucene10 -am package)");
        }
        Path base = folder.resolve("base.fvecs");
        Path queries = folder.resolve("queries.fvecs");
        NativePeers.writeVectors(data, base, queries);
        Path truthFile = folder.resolve("truth-" + SweepRunner.K + ".ivecs");
        if (!Files.exists(truthFile)) {
            VecFiles.writeInts(truthFile, truth);
        }
        Path out = Files.createTempFile(folder, "jdk25-", ".tsv");
        List<String> command = List.of(java.toString(), "--add-modules", "jdk.incubator.vector", "-Xmx6g",
                "-cp", jar + ":" + classpathFolder.resolve("lib") + "/*", Jdk25Engines.class.getName(),
                data.name(), data.metric().name(), base.toString(), queries.toString(), truthFile.toString(),
                out.toString(), String.join(",", engines), Integer.toString(settings.m()),
                Integer.toString(settings.efConstruction()), Integer.toString(settings.nlist()),
                Integer.toString(settings.threads()), Long.toString(settings.seed()), Boolean.toString(quick),
                Integer.toString(rounds));
        log.note("%s: Java 25 engines: %s", data.name(), String.join(" ", command));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("the Java 25 child exited with " + process.exitValue());
        }
        List<EngineRun> runs = parse(Files.readAllLines(out));
        Files.deleteIfExists(out);
        return runs;
    }

    private static List<EngineRun> parse(List<String> lines) {
        List<EngineRun> runs = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split("\t");
            if (cells[0].equals("run")) {
                runs.add(new EngineRun(cells[1], AnnEngine.Kind.valueOf(cells[2]), false,
                        Double.parseDouble(cells[3]), Long.parseLong(cells[4]), cells[5], new ArrayList<>()));
            } else if (cells[0].equals("point")) {
                runs.get(runs.size() - 1).points().add(new SweepPoint(Integer.parseInt(cells[1]),
                        Double.parseDouble(cells[2]), Double.parseDouble(cells[3])));
            }
        }
        return runs;
    }

    /** The child: builds and sweeps the named engines, writes one {@code run} line and its {@code point} lines each. */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        MetricType metric = MetricType.valueOf(args[1]);
        Dataset data = new Dataset(name, name, metric, VecFiles.readFloats(Path.of(args[2])),
                VecFiles.readFloats(Path.of(args[3])));
        int[][] truth = VecFiles.readInts(Path.of(args[4]));
        Path out = Path.of(args[5]);
        List<String> engines = List.of(args[6].split(","));
        BuildSettings settings = new BuildSettings(Integer.parseInt(args[7]), Integer.parseInt(args[8]),
                Integer.parseInt(args[9]), Integer.parseInt(args[10]), Long.parseLong(args[11]));
        boolean quick = Boolean.parseBoolean(args[12]);
        Timing timing = Timing.of(Integer.parseInt(args[13]), quick);
        ProgressLog log = new ProgressLog(System.err);
        log.note("Java 25 child: %s, %s", MachineFacts.jvm(), String.join(",", engines));
        List<AnnEngine> built = new ArrayList<>();
        String jvm = " (Java " + Runtime.version().feature() + ")";
        for (String engine : engines) {
            switch (engine) {
                case "ours-hnsw-jdk25" -> built.add(new Renamed(new VectorVaultHnsw(), jvm));
                case "jvector-jdk25" -> built.add(new Renamed(new JVectorGraph(), jvm));
                case "lucene10-jdk25" -> built.add((AnnEngine) Class.forName(LUCENE10_CLASS)
                        .getDeclaredConstructor().newInstance());
                default -> throw new IllegalArgumentException("not a Java 25 engine: " + engine);
            }
        }
        List<EngineRun> runs;
        try {
            runs = new SweepRunner(data, truth, settings, quick ? Sweeps.QUICK : Sweeps.FULL, timing, log)
                    .run(built);
        } finally {
            for (AnnEngine engine : built) {
                engine.close();
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (EngineRun run : runs) {
                w.printf(Locale.ROOT, "run\t%s\t%s\t%.6f\t%d\t%s%n", run.engine(), run.kind().name(),
                        run.buildSeconds(), run.memoryBytes(), run.memoryNote().replace('\t', ' '));
                for (SweepPoint p : run.points()) {
                    w.printf(Locale.ROOT, "point\t%d\t%.6f\t%.3f%n", p.value(), p.recall(), p.qps());
                }
            }
        }
    }

    /** An engine reported under its name plus the JVM it ran on. */
    private record Renamed(AnnEngine engine, String suffix) implements AnnEngine {
        @Override
        public String name() {
            return engine.name() + suffix;
        }

        @Override
        public Kind kind() {
            return engine.kind();
        }

        @Override
        public void build(Dataset data, BuildSettings settings) throws IOException {
            engine.build(data, settings);
        }

        @Override
        public int[] search(float[] query, int k, int parameter) throws IOException {
            return engine.search(query, k, parameter);
        }

        @Override
        public long memoryBytes() {
            return engine.memoryBytes();
        }

        @Override
        public String memoryNote() {
            return engine.memoryNote();
        }

        @Override
        public void close() throws IOException {
            engine.close();
        }
    }
}
