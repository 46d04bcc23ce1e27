package io.digitloc.report;

import io.digitloc.core.EpochRecord;
import io.digitloc.core.Metrics;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page per run: headline figures, learning curves, the confusion matrix,
 * per-class figures, the IoU histogram and the prediction grid (embedded PNG). No scripts, no
 * network: it opens from a file anywhere.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /**
     * @param title   page title (the model directory)
     * @param facts   a few lines of context (data, epochs, timings), shown as a table
     * @param history per-epoch figures, possibly empty
     * @param grid    the PNG of the prediction grid
     */
    public static String render(String title, Map<String, String> facts, Metrics m, List<EpochRecord> history,
                                byte[] grid, double referenceThreshold) {
        return render(title, facts, m, history, grid, referenceThreshold, 0);
    }

    /** As above, the curves marking {@code bestEpoch} (the epoch whose model was kept; 0 for none). */
    public static String render(String title, Map<String, String> facts, Metrics m, List<EpochRecord> history,
                                byte[] grid, double referenceThreshold, int bestEpoch) {
        StringBuilder h = new StringBuilder(32_768);
        head(h, title);
        cards(h, m, referenceThreshold);
        facts(h, facts);
        curves(h, history, bestEpoch);
        h.append("<h2>IoU thresholds</h2><table><tr><th>IoU ≥</th><th>boxes</th><th>share</th></tr>");
        m.iouAt().forEach((t, v) -> h.append("<tr><td>").append(t).append("</td><td>").append(v.count())
                .append("</td><td>").append(pct(v.share())).append("</td></tr>"));
        h.append("</table>");
        h.append("<h2>Predictions</h2><p>True box <span style='color:#00c800'>green</span>, predicted box "
                + "<span style='color:#e60000'>red</span>, predicted digit beneath (red when wrong).</p>");
        h.append("<img alt='prediction grid' src='data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(grid)).append("'>");
        confusion(h, m);
        perClass(h, m);
        h.append("<h2>IoU distribution</h2>").append(Svg.histogram("IoU of predicted boxes", "IoU",
                m.iouHistogram().counts()));
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void head(StringBuilder h, String title) {
        h.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>")
                .append(Svg.escape(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}")
                .append("h1{font-size:22px}h2{font-size:18px;margin-top:28px}")
                .append(".cards{display:flex;gap:14px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;")
                .append("padding:10px 16px;min-width:150px}.card b{display:block;font-size:24px}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;")
                .append("text-align:right}th{background:#f4f4f4}.charts{display:flex;gap:12px;flex-wrap:wrap}")
                .append("img{max-width:100%;border:1px solid #ddd}</style></head><body>");
        h.append("<h1>Digit classification and localisation: ").append(Svg.escape(title)).append("</h1>");
    }

    private static void cards(StringBuilder h, Metrics m, double referenceThreshold) {
        String key = Metrics.key(referenceThreshold);
        Metrics.Threshold ref = m.iouAt().get(key);
        h.append("<div class='cards'>");
        card(h, "validation accuracy", pct(m.accuracy()));
        card(h, "mean IoU", num(m.meanIou()));
        if (ref != null) {
            card(h, "boxes with IoU ≥ " + key, pct(ref.share()) + " <small>(" + ref.count() + " / " + m.count() + ")</small>");
        }
        card(h, "bounding-box MSE", String.format(Locale.ROOT, "%.2e", m.boxMse()));
        card(h, "validation canvases", Long.toString(m.count()));
        h.append("</div>");
    }

    private static void facts(StringBuilder h, Map<String, String> facts) {
        h.append("<h2>Run</h2><table>");
        for (Map.Entry<String, String> e : facts.entrySet()) {
            h.append("<tr><th style='text-align:left'>").append(Svg.escape(e.getKey())).append("</th><td style='text-align:left'>")
                    .append(Svg.escape(e.getValue())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void curves(StringBuilder h, List<EpochRecord> history, int bestEpoch) {
        h.append("<h2>Learning curves</h2>");
        if (history.isEmpty()) {
            h.append("<p>No training history found beside the model.</p>");
            return;
        }
        int mark = -1;
        for (int i = 0; i < history.size(); i++) {
            mark = history.get(i).epoch() == bestEpoch ? i : mark;
        }
        String label = "best: epoch " + bestEpoch;
        h.append("<div class='charts'>");
        h.append(Svg.lineChart("loss", "epoch", series("train", history, EpochRecord::trainLoss,
                "validation", EpochRecord::valLoss), mark, label));
        h.append(Svg.lineChart("validation accuracy", "epoch", series("accuracy", history,
                EpochRecord::valAccuracy, null, null), mark, label));
        h.append(Svg.lineChart("validation mean IoU", "epoch", series("mean IoU", history,
                EpochRecord::valMeanIou, null, null), mark, label));
        h.append("</div>");
    }

    private static void confusion(StringBuilder h, Metrics m) {
        h.append("<h2>Confusion matrix</h2><p>Rows: true digit; columns: predicted digit.</p><table><tr><th></th>");
        for (int c = 0; c < 10; c++) {
            h.append("<th>").append(c).append("</th>");
        }
        h.append("</tr>");
        long max = 1;
        for (long[] row : m.confusionMatrix()) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        for (int r = 0; r < 10; r++) {
            h.append("<tr><th>").append(r).append("</th>");
            for (int c = 0; c < 10; c++) {
                long v = m.confusionMatrix()[r][c];
                double a = v == 0 ? 0 : 0.08 + 0.6 * Math.sqrt((double) v / max);
                String color = r == c ? "31,119,180" : "214,39,40";
                h.append("<td style='background:rgba(").append(color).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", a)).append(")'>").append(v).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static void perClass(StringBuilder h, Metrics m) {
        h.append("<h2>Per class</h2><table><tr><th>digit</th><th>support</th><th>precision</th><th>recall</th>"
                + "<th>F1</th><th>mean IoU</th>");
        m.iouAt().keySet().forEach(t -> h.append("<th>IoU ≥ ").append(t).append("</th>"));
        h.append("</tr>");
        m.perClass().forEach((c, v) -> {
            h.append("<tr><th>").append(c).append("</th><td>").append(v.support()).append("</td><td>")
                    .append(pct(v.precision())).append("</td><td>").append(pct(v.recall())).append("</td><td>")
                    .append(num(v.f1())).append("</td><td>").append(num(v.meanIou())).append("</td>");
            v.iouAt().values().forEach(t -> h.append("<td>").append(pct(t.share())).append("</td>"));
            h.append("</tr>");
        });
        h.append("</table>");
    }

    private static Map<String, double[]> series(String a, List<EpochRecord> h,
                                                java.util.function.ToDoubleFunction<EpochRecord> fa, String b,
                                                java.util.function.ToDoubleFunction<EpochRecord> fb) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(a, h.stream().mapToDouble(fa).toArray());
        if (b != null) {
            m.put(b, h.stream().mapToDouble(fb).toArray());
        }
        return m;
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class='card'>").append(Svg.escape(label)).append("<b>").append(value).append("</b></div>");
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
