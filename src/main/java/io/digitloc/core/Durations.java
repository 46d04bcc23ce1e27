package io.digitloc.core;

/** Durations as people read them in logs: "42s", "3m07s", "1h05m". */
public final class Durations {
    private Durations() {
    }

    public static String format(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
