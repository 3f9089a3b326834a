package dev.vectorvault.bench.ann;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * hnswlib as a C++ user gets it: {@code bench/src/main/cpp/hnswlib_peer.cpp} compiled here with
 * {@code g++ -O3 -march=native} against the headers of Debian's {@code libhnswlib-dev} (so its SIMD distance code is
 * the one this CPU supports), next to the Python wheel that {@code peers.py} drives. The binary is cached under the
 * benchmark's cache folder by a hash of the source, the flags and the compiler's version, and rebuilt when any of them
 * changes. It speaks the {@code peers.py} protocol, so answers are scored by the same recall code.
 */
final class CompiledHnswlib {
    static final List<String> FLAGS = List.of("-O3", "-march=native", "-std=c++17", "-pthread");
    private static final Path HEADERS = Path.of("/usr/include/hnswlib/hnswlib.h");

    private final Path source;
    private final Path binaries;
    private final ProgressLog log;

    CompiledHnswlib(Path source, Path binaries, ProgressLog log) {
        this.source = source;
        this.binaries = binaries;
        this.log = log;
    }

    List<EngineRun> run(Dataset data, int[][] truth, Path folder, BuildSettings settings, Sweeps sweeps,
                        Timing timing) throws IOException, InterruptedException {
        Path binary = compile();
        Path base = folder.resolve("base.fvecs");
        Path queries = folder.resolve("queries.fvecs");
        NativePeers.writeVectors(data, base, queries);
        Path out = Files.createTempDirectory(folder, "hnswlib-native-");
        List<String> command = List.of(binary.toString(), "--base", base.toString(), "--queries", queries.toString(),
                "--metric", data.metric() == dev.vectorvault.index.MetricType.L2 ? "L2" : "COSINE",
                "--out", out.toString(), "--k", Integer.toString(SweepRunner.K),
                "--m", Integer.toString(settings.m()), "--ef-construction", Integer.toString(settings.efConstruction()),
                "--ef", NativePeers.join(sweeps.ef()), "--threads", Integer.toString(settings.threads()),
                "--rounds", Integer.toString(timing.rounds()), "--min-seconds", Double.toString(timing.pointSeconds()),
                "--seed", Long.toString(settings.seed()),
                "--engine", "hnswlib " + headerVersion() + " C++ " + String.join(" ", FLAGS.subList(0, 2)));
        log.note("%s: hnswlib compiled here: %s", data.name(), String.join(" ", command));
        return NativePeers.runAndCollect(command, out, truth);
    }

    /** The binary for the current source, flags and compiler, built when missing. */
    Path compile() throws IOException, InterruptedException {
        if (!Files.exists(HEADERS)) {
            throw new IOException("hnswlib's headers are missing (" + HEADERS + "): install Debian's libhnswlib-dev");
        }
        String compiler = output(List.of("g++", "--version")).lines().findFirst().orElse("g++");
        Path binary = binaries.resolve("hnswlib_peer-" + hash(Files.readString(source) + FLAGS + compiler
                + headerVersion()));
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(binaries);
        Path partial = binaries.resolve(binary.getFileName() + ".partial");
        List<String> command = new java.util.ArrayList<>(List.of("g++"));
        command.addAll(FLAGS);
        command.addAll(List.of("-o", partial.toString(), source.toString()));
        log.note("compiling %s", String.join(" ", command));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("g++ failed on " + source);
        }
        Files.move(partial, binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return binary;
    }

    /** The version of the installed libhnswlib-dev package, for the engine's name. */
    static String headerVersion() {
        try {
            String version = output(List.of("dpkg-query", "-W", "-f=${Version}", "libhnswlib-dev")).trim();
            int cut = version.indexOf('-');
            return cut > 0 ? version.substring(0, cut) : version;
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "(headers)";
        }
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return text;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
