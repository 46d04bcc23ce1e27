package io.digitloc.report;

import java.util.Locale;
import java.util.Map;

/** Small inline SVG charts for the report: no script, no network, readable in any browser. */
final class Svg {
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};
    private static final int W = 420;
    private static final int H = 240;
    private static final int L = 48;
    private static final int R = 12;
    private static final int T = 26;
    private static final int B = 34;

    private Svg() {
    }

    /** Lines over x = 1..n, one per series (NaN points are skipped). */
    static String lineChart(String title, String xLabel, Map<String, double[]> series) {
        return lineChart(title, xLabel, series, -1, null);
    }

    /**
     * As {@link #lineChart(String, String, Map)}, with a dashed vertical line at point {@code mark} (0-based;
     * -1 for none) labelled {@code markLabel}: the best epoch of an early-stopped run.
     */
    static String lineChart(String title, String xLabel, Map<String, double[]> series, int mark, String markLabel) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (double[] v : series.values()) {
            n = Math.max(n, v.length);
            for (double d : v) {
                if (Double.isFinite(d)) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
            }
        }
        if (n == 0 || !Double.isFinite(min)) {
            return "<p>No data for " + escape(title) + ".</p>";
        }
        if (max - min < 1e-12) {
            max = min + 1;
        }
        StringBuilder sb = frame(title, xLabel, min, max);
        if (mark >= 0 && mark < n) {
            double x = n == 1 ? L + (W - L - R) / 2.0 : L + (W - L - R) * mark / (double) (n - 1);
            sb.append("<line class='best' x1='").append(fmt(x)).append("' y1='").append(T).append("' x2='").append(fmt(x))
                    .append("' y2='").append(H - B).append("' stroke='#555' stroke-dasharray='4,3'/>");
            sb.append("<text x='").append(fmt(x + 3)).append("' y='").append(T + 10)
                    .append("' font-size='10' fill='#555'>").append(escape(markLabel)).append("</text>");
        }
        int s = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            StringBuilder points = new StringBuilder();
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    double x = n == 1 ? L + (W - L - R) / 2.0 : L + (W - L - R) * i / (double) (n - 1);
                    double y = T + (H - T - B) * (1 - (v[i] - min) / (max - min));
                    points.append(fmt(x)).append(',').append(fmt(y)).append(' ');
                    sb.append("<circle cx='").append(fmt(x)).append("' cy='").append(fmt(y))
                            .append("' r='2.5' fill='").append(color).append("'/>");
                }
            }
            sb.append("<polyline fill='none' stroke='").append(color).append("' stroke-width='2' points='")
                    .append(points).append("'/>");
            sb.append("<text x='").append(W - R - 4).append("' y='").append(T + 14 + 14 * s)
                    .append("' text-anchor='end' font-size='11' fill='").append(color).append("'>")
                    .append(escape(e.getKey())).append("</text>");
            s++;
        }
        sb.append("<text x='").append(L).append("' y='").append(H - 4).append("' font-size='10'>1</text>");
        sb.append("<text x='").append(W - R).append("' y='").append(H - 4).append("' font-size='10' text-anchor='end'>")
                .append(n).append("</text>");
        return sb.append("</svg>").toString();
    }

    /** Vertical bars over equal bins of [0,1]. */
    static String histogram(String title, String xLabel, long[] counts) {
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        StringBuilder sb = frame(title, xLabel, 0, max);
        double bw = (W - L - R) / (double) counts.length;
        for (int i = 0; i < counts.length; i++) {
            double h = (H - T - B) * counts[i] / (double) max;
            sb.append("<rect x='").append(fmt(L + i * bw + 1)).append("' y='").append(fmt(H - B - h))
                    .append("' width='").append(fmt(bw - 2)).append("' height='").append(fmt(h))
                    .append("' fill='").append(COLORS[0]).append("'><title>").append(counts[i]).append("</title></rect>");
        }
        sb.append("<text x='").append(L).append("' y='").append(H - 4).append("' font-size='10'>0</text>");
        sb.append("<text x='").append(W - R).append("' y='").append(H - 4)
                .append("' font-size='10' text-anchor='end'>1</text>");
        return sb.append("</svg>").toString();
    }

    private static StringBuilder frame(String title, String xLabel, double min, double max) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(W).append("' height='").append(H)
                .append("' viewBox='0 0 ").append(W).append(' ').append(H).append("' class='chart'>");
        sb.append("<text x='").append(W / 2).append("' y='16' text-anchor='middle' font-size='13' font-weight='bold'>")
                .append(escape(title)).append("</text>");
        sb.append("<line x1='").append(L).append("' y1='").append(H - B).append("' x2='").append(W - R).append("' y2='")
                .append(H - B).append("' stroke='#888'/>");
        sb.append("<line x1='").append(L).append("' y1='").append(T).append("' x2='").append(L).append("' y2='")
                .append(H - B).append("' stroke='#888'/>");
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            double y = T + (H - T - B) * (1 - i / 4.0);
            sb.append("<text x='").append(L - 4).append("' y='").append(fmt(y + 3))
                    .append("' text-anchor='end' font-size='10'>").append(tick(v)).append("</text>");
            sb.append("<line x1='").append(L).append("' y1='").append(fmt(y)).append("' x2='").append(W - R)
                    .append("' y2='").append(fmt(y)).append("' stroke='#eee'/>");
        }
        sb.append("<text x='").append((W + L) / 2).append("' y='").append(H - 4)
                .append("' text-anchor='middle' font-size='11'>").append(escape(xLabel)).append("</text>");
        return sb;
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
