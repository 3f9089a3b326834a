package dev.vectorvault.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole process (all threads: client, servers, JIT, GC). While one server is loaded and the
 * other idles, the difference per call between two windows is what the loaded side costs in CPU - a figure that
 * steal time and scheduling delays, which make wall-clock rates jump on a shared machine, do not enter.
 */
final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS = osBean();

    private ProcessCpu() {}

    /** Nanoseconds of CPU so far, or -1 when the JVM cannot tell. */
    static long nanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }

    private static com.sun.management.OperatingSystemMXBean osBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os : null;
    }
}
