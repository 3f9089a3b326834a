package dev.vectorvault.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time (user + system, from {@code /proc/<pid>/stat}) that the processes of one benchmark run spend over a
 * window: the server nodes of a {@link ClusterProcesses}; the Kafka broker, etcd and s3proxy among this JVM's own
 * descendants, told apart by their command lines; and this JVM itself, where the benchmark's clients run. Only this
 * JVM's descendants are looked at, so another program's broker or etcd on a shared machine is never counted. The
 * servers' cell also gives, in parentheses, the part their JIT compiler threads took.
 */
final class ProcessCpu {
    static final String HEADER = "CPU µs per row: server (JIT) | broker | etcd | s3proxy | clients | sum";
    /** Linux reports {@code /proc} times in USER_HZ, 100 a second whatever the kernel's own tick. */
    private static final double TICKS_PER_SECOND = 100;
    private static final List<String> ROLES = List.of("server", "broker", "etcd", "s3proxy", "clients");

    private final Map<String, List<Long>> pidsByRole;
    private final Map<Long, Long> ticksAtStart = new LinkedHashMap<>();
    /** The servers' JIT compiler threads' ticks at the start, by process. */
    private final Map<Long, Long> compilerTicksAtStart = new LinkedHashMap<>();
    /** The first server's threads at the start: ticks by thread id, and each thread's name. */
    private final Map<Long, Long> threadTicksAtStart;
    private final long firstServer;

    private ProcessCpu(Map<String, List<Long>> pidsByRole) {
        this.pidsByRole = pidsByRole;
        pidsByRole.values().forEach(pids -> pids.forEach(pid -> ticksAtStart.put(pid, ticks(pid))));
        pidsByRole.get("server").forEach(pid -> compilerTicksAtStart.put(pid, compilerTicks(pid)));
        this.firstServer = pidsByRole.get("server").get(0);
        this.threadTicksAtStart = threadTicks(firstServer, new HashMap<>());
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
            if (role.equals("server")) {
                long compiler = 0;
                for (long pid : pidsByRole.get(role)) {
                    compiler += compilerTicks(pid) - compilerTicksAtStart.get(pid);
                }
                cells.add(String.format("%5.1f (%4.1f)", micros, compiler / TICKS_PER_SECOND * 1e6 / rows));
            } else {
                cells.add(String.format("%5.1f", micros));
            }
        }
        cells.add(String.format("%5.1f", sum));
        return String.join(" | ", cells);
    }

    /**
     * The first server's CPU since {@link #start} in µs per row of {@code rows}, by thread name with digits folded
     * ({@code grpc-default-executor-#}), largest first; groups under 0.1 µs per row are left out. A thread that ended
     * within the window is missing (its ticks went with it).
     */
    List<String> serverThreadsPerRow(int rows) {
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> now = threadTicks(firstServer, names);
        Map<String, Long> byGroup = new HashMap<>();
        now.forEach((tid, ticks) -> byGroup.merge(names.get(tid).replaceAll("[0-9]+", "#"),
                ticks - threadTicksAtStart.getOrDefault(tid, 0L), Long::sum));
        List<String> lines = new ArrayList<>();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() / TICKS_PER_SECOND * 1e6 / rows >= 0.1)
                .forEach(e -> lines.add(String.format("%6.1f  %s", e.getValue() / TICKS_PER_SECOND * 1e6 / rows,
                        e.getKey())));
        return lines;
    }

    /**
     * The CPU of {@code pid}'s JIT compiler threads (HotSpot's "C1 CompilerThread" and "C2 CompilerThread"): a part
     * of the server's CPU that warm-up leaves behind rather than a cost of each row, so the table shows it apart.
     */
    private static long compilerTicks(long pid) {
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> ticks = threadTicks(pid, names);
        long sum = 0;
        for (Map.Entry<Long, Long> thread : ticks.entrySet()) {
            if (names.get(thread.getKey()).contains("CompilerThre")) {
                sum += thread.getValue();
            }
        }
        return sum;
    }

    /** utime + stime of each thread of {@code pid} by thread id; fills {@code names} with each thread's name. */
    private static Map<Long, Long> threadTicks(long pid, Map<Long, String> names) {
        Map<Long, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    long tid = Long.parseLong(task.getFileName().toString());
                    ticks.put(tid, cpuTicks(stat));
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            });
        } catch (IOException | RuntimeException e) {
            // The process is gone.
        }
        return ticks;
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
            return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a process's or thread's {@code stat} line. */
    private static long cpuTicks(String stat) {
        // The command name in parentheses may hold spaces; the fields after it start with the state (field 3).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
