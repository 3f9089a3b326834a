package dev.vectorvault.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the numbers depend on besides the code: CPU, load, JVM, and what one fsync costs on the temp folder's disk. */
public final class MachineFacts {
    private MachineFacts() {}

    /** The 1-minute system load average, or a negative number where the OS does not tell. */
    /** The machine, the JVM and the load average at the start: the first lines of every benchmark's report. */
    public static void printHeader() {
        System.out.println("machine: " + cpu());
        System.out.println("jvm:     " + jvm());
        System.out.printf(java.util.Locale.ROOT, "load average at start: %.2f%n", loadAverage());
    }

    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The 1, 5 and 15-minute load averages as {@code uptime} prints them, from /proc/loadavg. */
    public static String loadAverages() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.format(Locale.ROOT, "%s, %s, %s (1, 5, 15 min)", fields[0], fields[1], fields[2]);
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f (1 min)", loadAverage());
        }
    }

    public static String cpu() {
        String model = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            model = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(model);
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: the core count below still says the most important thing.
        }
        return String.format(Locale.ROOT, "%d cores (availableProcessors), %s; %s %s %s",
                Runtime.getRuntime().availableProcessors(), model, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"));
    }

    public static String jvm() {
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return String.format(Locale.ROOT, "%s %s, max heap %.1f GiB, GC %s, jdk.incubator.vector %s",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024), gcs,
                vectorApi ? "loaded (SIMD distance kernels)" : "NOT loaded (scalar kernels)");
    }

    /**
     * Appends 4 KiB and forces it, {@code count} times, in a fresh file under the temp folder, the way the WAL does
     * (RandomAccessFile write + FileDescriptor.sync): the floor under every durable insert. Returns a description.
     */
    static String fsyncProbe(int count) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        Path file = null;
        try {
            FileStore store = Files.getFileStore(dir);
            file = Files.createTempFile("vectorvault-fsync-probe-", ".log");
            LatencySamples samples = new LatencySamples();
            byte[] block = new byte[4096];
            try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
                for (int i = 0; i < count; i++) {
                    block[0] = (byte) i;
                    long start = System.nanoTime();
                    out.write(block);
                    out.getFD().sync();
                    samples.add(System.nanoTime() - start);
                }
            }
            return String.format(Locale.ROOT, "%s (%s on %s): 4 KiB append + fsync p50 %.2f ms, p99 %.2f ms"
                    + " (%d samples)", dir, store.type(), store.name(), samples.percentileMicros(50) / 1e3,
                    samples.percentileMicros(99) / 1e3, count);
        } catch (IOException | RuntimeException e) {
            return dir + ": fsync probe failed: " + e;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    System.err.println("bench: could not delete " + file + ": " + e.getMessage());
                }
            }
        }
    }
}
