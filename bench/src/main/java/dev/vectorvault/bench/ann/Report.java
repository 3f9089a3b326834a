package dev.vectorvault.bench.ann;

import dev.vectorvault.bench.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's output for one data set, three ways: plain-text tables on standard output, the same tables as
 * Markdown (for docs/benchmarks.md), and one CSV row per sweep point (the plot's input).
 *
 * <p>Headline: for each engine, the best queries/s among its sweep points with recall@10 at or above the target;
 * then ours divided by each peer of the same kind (graph against graph, IVF against IVF), and build times the same
 * way. A ratio above 1 means ours is faster. An engine that never reaches the target has no headline figure. Because
 * that ratio jumps when one engine's sweep point lands just under the target, the queries/s at exactly the target,
 * interpolated on each curve ({@link EngineRun#interpolatedQpsAt}), and their ratio are shown beside it.
 */
final class Report {
    static final String OURS_GRAPH = "VectorVault HNSW";
    static final String OURS_IVF = "VectorVault IVF_FLAT";
    static final String CSV_HEADER = "dataset,engine,kind,parameter,value,recall,qps";

    /** A table as headers and rows of cells, rendered as text or Markdown. */
    record Table(String title, String[] headers, List<String[]> rows) {}

    private final Dataset data;
    private final String setup;
    private final List<EngineRun> runs;
    private final double target;

    Report(Dataset data, String setup, List<EngineRun> runs, double target) {
        this.data = data;
        this.setup = setup;
        this.runs = runs;
        this.target = target;
    }

    List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        tables.add(buildTable());
        tables.add(sweepTable(AnnEngine.Kind.GRAPH));
        if (runs.stream().anyMatch(r -> r.kind() == AnnEngine.Kind.IVF)) {
            tables.add(sweepTable(AnnEngine.Kind.IVF));
        }
        tables.add(headlineTable());
        return tables;
    }

    void printText(PrintStream out) {
        out.println();
        out.println("== " + data.name() + ": " + data.description());
        out.println("   " + setup);
        for (Table table : tables()) {
            out.println();
            out.println("   " + table.title());
            TextTable text = new TextTable(table.headers());
            table.rows().forEach(text::row);
            text.print(out, "   ");
        }
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("#### ").append(data.name()).append("\n\n").append(data.description()).append(". ")
                .append(setup).append("\n");
        for (Table table : tables()) {
            md.append("\n").append(table.title()).append(":\n\n");
            md.append("| ").append(String.join(" | ", table.headers())).append(" |\n|");
            for (int c = 0; c < table.headers().length; c++) {
                md.append(numeric(table, c) ? "---:|" : "---|");
            }
            md.append("\n");
            for (String[] row : table.rows()) {
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Whether column {@code c} holds figures (right-aligned in Markdown) rather than text. */
    private static boolean numeric(Table table, int c) {
        if (c == 0) {
            return false;
        }
        for (String[] row : table.rows()) {
            if (!row[c].isEmpty() && !row[c].matches("[0-9.,na/?-]+")) {
                return false;
            }
        }
        return true;
    }

    void appendCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder();
        if (!Files.exists(file)) {
            csv.append(CSV_HEADER).append("\n");
        }
        for (EngineRun run : runs) {
            for (SweepPoint p : run.points()) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.5f,%.2f%n", csvField(data.name()),
                        csvField(run.engine()), run.kind(), run.kind().parameter, p.value(), p.recall(), p.qps()));
            }
        }
        Files.writeString(file, csv, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** A text field as RFC 4180 has it: engine names such as "Lucene 10.6.0 HNSW (Java 25, ...)" hold commas. */
    private static String csvField(String text) {
        return text.indexOf(',') < 0 && text.indexOf('"') < 0 ? text : '"' + text.replace("\"", "\"\"") + '"';
    }

    private Table buildTable() {
        EngineRun ours = find(OURS_GRAPH);
        List<String[]> rows = new ArrayList<>();
        for (EngineRun run : runs) {
            String vsOurs = ours == null || run == ours ? "" : ratio(ours.buildSeconds(), run.buildSeconds());
            rows.add(new String[] {run.engine(), run.native_() ? "native" : "JVM",
                    String.format(Locale.ROOT, "%.1f", run.buildSeconds()), vsOurs,
                    run.memoryBytes() < 0 ? "?" : String.format(Locale.ROOT, "%.1f", run.memoryBytes() / 1048576.0),
                    run.memoryNote()});
        }
        return new Table("Build (time and memory)", new String[] {"engine", "runs in", "build s",
                "ours HNSW build / this", "memory MiB", "memory counted as"}, rows);
    }

    private Table sweepTable(AnnEngine.Kind kind) {
        List<EngineRun> ofKind = runs.stream().filter(r -> r.kind() == kind).toList();
        List<String> headers = new ArrayList<>();
        headers.add(kind.parameter);
        for (EngineRun run : ofKind) {
            headers.add(run.engine() + " R@10");
            headers.add("q/s");
        }
        List<String[]> rows = new ArrayList<>();
        int length = ofKind.stream().mapToInt(r -> r.points().size()).max().orElse(0);
        for (int i = 0; i < length; i++) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(ofKind.get(0).points().get(i).value()));
            for (EngineRun run : ofKind) {
                SweepPoint p = i < run.points().size() ? run.points().get(i) : null;
                row.add(p == null ? "" : String.format(Locale.ROOT, "%.4f", p.recall()));
                row.add(p == null ? "" : String.format(Locale.ROOT, "%,.0f", p.qps()));
            }
            rows.add(row.toArray(new String[0]));
        }
        return new Table("recall@10 and queries/s (1 query at a time) by " + kind.parameter,
                headers.toArray(new String[0]), rows);
    }

    private Table headlineTable() {
        List<String[]> rows = new ArrayList<>();
        for (EngineRun run : runs) {
            EngineRun ours = find(run.kind() == AnnEngine.Kind.GRAPH ? OURS_GRAPH : OURS_IVF);
            SweepPoint at = run.pointAt(target);
            double best = run.bestQpsAt(target);
            String ratio = ours == null || ours == run ? "" : ratio(ours.bestQpsAt(target), best);
            double exact = run.interpolatedQpsAt(target);
            String exactRatio = ours == null || ours == run ? "" : ratio(ours.interpolatedQpsAt(target), exact);
            rows.add(new String[] {run.engine(),
                    at == null ? "never" : String.format(Locale.ROOT, "%,.0f", best),
                    at == null ? "" : String.format(Locale.ROOT, "%s=%d (R@10 %.4f)", run.kind().parameter,
                            at.value(), at.recall()),
                    ratio,
                    Double.isNaN(exact) ? "n/a" : String.format(Locale.ROOT, "%,.0f", exact),
                    exactRatio});
        }
        return new Table(String.format(Locale.ROOT, "Headline: best queries/s at recall@10 >= %.2f", target),
                new String[] {"engine", "q/s", "at", "ours / this", "q/s at exactly " + target + " (interpolated)",
                        "ours / this (interpolated)"}, rows);
    }

    /** One line of ratios for the summary: ours over each peer at the target, and build time over hnswlib. */
    String headlineLine() {
        StringBuilder line = new StringBuilder(data.name() + ":");
        EngineRun ours = find(OURS_GRAPH);
        for (EngineRun run : runs) {
            EngineRun mine = find(run.kind() == AnnEngine.Kind.GRAPH ? OURS_GRAPH : OURS_IVF);
            if (mine == null || mine == run) {
                continue;
            }
            line.append(String.format(Locale.ROOT, " %s/%s %s (interpolated %s);", mine == ours ? "HNSW" : "IVF",
                    run.engine(), ratio(mine.bestQpsAt(target), run.bestQpsAt(target)),
                    ratio(mine.interpolatedQpsAt(target), run.interpolatedQpsAt(target))));
        }
        EngineRun hnswlib = runs.stream().filter(r -> r.engine().startsWith("hnswlib")).findFirst().orElse(null);
        if (ours != null && hnswlib != null) {
            line.append(String.format(Locale.ROOT, " build HNSW/hnswlib %s (time ratio, lower is better)",
                    ratio(ours.buildSeconds(), hnswlib.buildSeconds())));
        }
        return line.toString();
    }

    private EngineRun find(String name) {
        return runs.stream().filter(r -> r.engine().equals(name)).findFirst().orElse(null);
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
