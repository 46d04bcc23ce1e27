package io.digitloc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's page faults and CPU time from {@code /proc/self/stat}: what a timed pass cost the
 * kernel. On a machine where page faults are expensive, system time decides a benchmark, so every
 * figure of {@link Benchmark} carries them.
 */
public record ProcessCounters(long minorFaults, long majorFaults, double userSeconds, double systemSeconds) {
    /** Linux reports CPU times in USER_HZ ticks, fixed at 100 for user space on x86 and arm64. */
    static final double TICKS_PER_SECOND = 100;
    static final ProcessCounters NONE = new ProcessCounters(0, 0, 0, 0);

    /** Now, or {@link #NONE} where there is no {@code /proc} (then the differences are 0, not wrong). */
    public static ProcessCounters now() {
        try {
            return parse(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /**
     * Parses a {@code stat} line. The command name (field 2) may hold spaces and parentheses, so the
     * fields are counted from the last ')': minflt is field 10, majflt 12, utime 14, stime 15.
     */
    static ProcessCounters parse(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state)
        return new ProcessCounters(Long.parseLong(f[7]), Long.parseLong(f[9]),
                Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND);
    }

    public ProcessCounters minus(ProcessCounters before) {
        return new ProcessCounters(minorFaults - before.minorFaults, majorFaults - before.majorFaults,
                userSeconds - before.userSeconds, systemSeconds - before.systemSeconds);
    }

    public ProcessCounters dividedBy(int n) {
        return new ProcessCounters(minorFaults / n, majorFaults / n, userSeconds / n, systemSeconds / n);
    }
}
