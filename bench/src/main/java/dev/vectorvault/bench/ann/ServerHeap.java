package dev.vectorvault.bench.ann;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a child JVM holds live: {@code jcmd <pid> GC.run} (a full collection) and then {@code GC.heap_info}, read
 * from outside, because the server exposes no heap or index-size metric. The JDK's own jcmd, next to the java that
 * runs the benchmark (the child runs on the same one).
 */
final class ServerHeap {
    private static final Pattern USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private ServerHeap() {}

    /** Live heap bytes of {@code pid} after a full collection. */
    static long usedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IOException("no heap figure in jcmd GC.heap_info of " + pid + ":\n" + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
