package dev.vectorvault.bench.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * hnswlib and FAISS, the native C++ libraries users would pick instead, run by {@code peers.py} under Debian's
 * {@code /usr/bin/python3} (which holds {@code python3-hnswlib} and {@code python3-faiss}; a pyenv or venv Python on
 * the PATH usually does not). Vectors go over as {@code .fvecs} in the data set's cache folder, answers come back as
 * {@code .ivecs}, and recall is computed here with the same code as for the JVM engines. The Python process runs after
 * the JVM engines are released, so the two never compete for the cores.
 */
final class NativePeers {
    private final Path python;
    private final Path script;
    private final ProgressLog log;

    NativePeers(Path python, Path script, ProgressLog log) {
        this.python = python;
        this.script = script;
        this.log = log;
    }

    List<EngineRun> run(Dataset data, int[][] truth, Path folder, BuildSettings settings, Sweeps sweeps, Timing timing,
                        List<String> engines) throws IOException, InterruptedException {
        Path base = folder.resolve("base.fvecs");
        Path queries = folder.resolve("queries.fvecs");
        writeVectors(data, base, queries);
        Path out = Files.createTempDirectory(folder, "peers-");
        List<String> command = List.of(python.toString(), script.toString(),
                "--base", base.toString(), "--queries", queries.toString(),
                "--metric", data.metric() == dev.vectorvault.index.MetricType.L2 ? "L2" : "COSINE",
                "--out", out.toString(), "--k", Integer.toString(SweepRunner.K),
                "--m", Integer.toString(settings.m()), "--ef-construction", Integer.toString(settings.efConstruction()),
                "--nlist", Integer.toString(settings.nlist()),
                "--ef", join(sweeps.ef()), "--nprobe", join(sweeps.nprobe()),
                "--threads", Integer.toString(settings.threads()), "--rounds", Integer.toString(timing.rounds()),
                "--min-seconds", Double.toString(timing.pointSeconds()),
                "--seed", Long.toString(settings.seed()), "--engines", String.join(",", engines));
        log.note("%s: native peers: %s", data.name(), String.join(" ", command));
        return runAndCollect(command, out, truth);
    }

    /** The stored vectors and queries as {@code .fvecs} in the data set's cache folder, written once. */
    static void writeVectors(Dataset data, Path base, Path queries) throws IOException {
        if (!Files.exists(base)) {
            VecFiles.writeFloats(base, data.base());
        }
        if (!Files.exists(queries)) {
            VecFiles.writeFloats(queries, data.queries());
        }
    }

    /**
     * Runs a peer process that writes {@code results.tsv} and its ids files into {@code out} (the protocol of
     * {@code peers.py}), scores its answers against the truth, and removes the folder.
     */
    static List<EngineRun> runAndCollect(List<String> command, Path out, int[][] truth)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IOException(Path.of(command.get(0)).getFileName() + " exited with " + exit);
        }
        List<EngineRun> runs = parse(out, truth);
        try (var files = Files.list(out)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(out);
        return runs;
    }

    private static List<EngineRun> parse(Path out, int[][] truth) throws IOException {
        Map<String, double[]> builds = new LinkedHashMap<>();
        Map<String, List<SweepPoint>> points = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("results.tsv"))) {
            String[] cells = line.split("\t");
            if (cells[0].equals("build")) {
                builds.put(cells[1], new double[] {Double.parseDouble(cells[2]), Double.parseDouble(cells[3]),
                        optional(cells, 4)});
            } else if (cells[0].equals("point")) {
                int[][] answers = VecFiles.readInts(out.resolve(cells[4]));
                points.computeIfAbsent(cells[1], name -> new ArrayList<>()).add(new SweepPoint(
                        Integer.parseInt(cells[2]), Recall.of(answers, truth, SweepRunner.K),
                        Double.parseDouble(cells[3]), optional(cells, 5)));
            }
        }
        List<EngineRun> runs = new ArrayList<>();
        for (Map.Entry<String, List<SweepPoint>> entry : points.entrySet()) {
            double[] build = builds.getOrDefault(entry.getKey(), new double[] {Double.NaN, -1, Double.NaN});
            AnnEngine.Kind kind = entry.getKey().contains("IVF") ? AnnEngine.Kind.IVF : AnnEngine.Kind.GRAPH;
            runs.add(new EngineRun(entry.getKey(), kind, true, build[0], (long) build[1],
                    "process RSS growth over the build (vectors + index)", entry.getValue(), build[2]));
        }
        return runs;
    }

    /** A trailing CPU-time column, which only the compiled hnswlib writes; NaN when absent. */
    private static double optional(String[] cells, int index) {
        return cells.length > index ? Double.parseDouble(cells[index]) : Double.NaN;
    }

    static String join(int[] values) {
        return IntStream.of(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
