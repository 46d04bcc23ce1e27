package io.digitloc.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Repeated timings of one measurement, reported as items per second (median, min, max), with the
 * page faults and CPU time of a repetition (the mean over the timed ones).
 */
public record Stopwatch(String name, long items, double[] seconds, ProcessCounters perRepetition) {

    public Stopwatch(String name, long items, double[] seconds) {
        this(name, items, seconds, ProcessCounters.NONE);
    }

    /** {@code body} run {@code warmups} times untimed, then {@code repeats} times timed one by one. */
    public static Stopwatch time(String name, long items, int warmups, int repeats, Runnable body) {
        for (int w = 0; w < warmups; w++) {
            body.run();
        }
        double[] seconds = new double[repeats];
        ProcessCounters before = ProcessCounters.now();
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            body.run();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        return new Stopwatch(name, items, seconds, ProcessCounters.now().minus(before).dividedBy(repeats));
    }

    public double median() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double perSecond() {
        return items / median();
    }

    public double best() {
        return items / Arrays.stream(seconds).min().orElse(Double.NaN);
    }

    public double worst() {
        return items / Arrays.stream(seconds).max().orElse(Double.NaN);
    }

    public String line(String unit) {
        return String.format(Locale.ROOT, "%-56s %9.1f %s (median of %d; range %.1f-%.1f; %d items per repetition; "
                        + "per repetition %d minor and %d major page faults, %.2f s user and %.2f s system CPU)",
                name, perSecond(), unit, seconds.length, worst(), best(), items, perRepetition.minorFaults(),
                perRepetition.majorFaults(), perRepetition.userSeconds(), perRepetition.systemSeconds());
    }
}
