package dev.vectorvault.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time (user + system, from {@code /proc/<pid>/stat}) that the processes of one benchmark run spend over a
 * window: the server nodes of a {@link ClusterProcesses}; the Kafka broker, etcd and s3proxy among this JVM's own
 * descendants, told apart by their command lines; and this JVM itself, where the benchmark's clients run. Only this
 * JVM's descendants are looked at, so another program's broker or etcd on a shared machine is never counted.
 */
final class ProcessCpu {
    static final String HEADER = "CPU µs per row: server | broker | etcd | s3proxy | clients | sum";
    /** Linux reports {@code /proc} times in USER_HZ, 100 a second whatever the kernel's own tick. */
    private static final double TICKS_PER_SECOND = 100;
    private static final List<String> ROLES = List.of("server", "broker", "etcd", "s3proxy", "clients");

    private final Map<String, List<Long>> pidsByRole;
    private final Map<Long, Long> ticksAtStart = new LinkedHashMap<>();

    private ProcessCpu(Map<String, List<Long>> pidsByRole) {
        this.pidsByRole = pidsByRole;
        pidsByRole.values().forEach(pids -> pids.forEach(pid -> ticksAtStart.put(pid, ticks(pid))));
    }

    /** Opens the window now, over {@code cluster}'s nodes and this run's other processes. */
    static ProcessCpu start(ClusterProcesses cluster) {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        ROLES.forEach(role -> pids.put(role, new ArrayList<>()));
        for (int i = 0; i < cluster.size(); i++) {
            pids.get("server").add(cluster.pid(i));
        }
        pids.get("clients").add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(process -> {
            String role = roleOf(commandLine(process.pid()));
            if (role != null && !pids.get("server").contains(process.pid())) {
                pids.get(role).add(process.pid());
            }
        });
        return new ProcessCpu(pids);
    }

    /** Each role's CPU since {@link #start}, in µs per row of {@code rows}, and their sum, as a table's cells. */
    String perRow(int rows) {
        List<String> cells = new ArrayList<>();
        double sum = 0;
        for (String role : ROLES) {
            long ticks = 0;
            for (long pid : pidsByRole.get(role)) {
                long now = ticks(pid);
                if (now >= 0 && ticksAtStart.get(pid) >= 0) {
                    ticks += now - ticksAtStart.get(pid);
                }
            }
            double micros = ticks / TICKS_PER_SECOND * 1e6 / rows;
            sum += micros;
            cells.add(String.format("%5.1f", micros));
        }
        cells.add(String.format("%5.1f", sum));
        return String.join(" | ", cells);
    }

    /** The role of a descendant by its command line; null for one this class does not count (a watchdog shell). */
    private static String roleOf(List<String> command) {
        if (command.isEmpty()) {
            return null;
        }
        String program = Path.of(command.get(0)).getFileName().toString();
        if (program.equals("etcd")) {
            return "etcd";
        }
        if (!program.equals("java")) {
            return null;
        }
        if (command.contains("kafka.Kafka")) {
            return "broker";
        }
        return command.stream().anyMatch(arg -> arg.contains("s3proxy")) ? "s3proxy" : null;
    }

    private static List<String> commandLine(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"));
            return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // gone meanwhile
        }
    }

    /** utime + stime of every thread of {@code pid}; -1 once the process is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name in parentheses may hold spaces; the fields after it start with the state (field 3).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
