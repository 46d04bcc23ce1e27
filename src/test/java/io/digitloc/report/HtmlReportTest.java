package io.digitloc.report;

import io.digitloc.core.EpochRecord;
import io.digitloc.core.Metrics;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report page shows the figures it is given, formatted as the README describes, and escapes text. */
class HtmlReportTest {
    /** 4 canvases: two 3s (one read as a 5), two 7s; the figures below follow from that by hand. */
    static Metrics metrics() {
        Map<String, Metrics.Threshold> at = new LinkedHashMap<>();
        at.put("0.5", new Metrics.Threshold(3, 0.75));
        at.put("0.6", new Metrics.Threshold(2, 0.5));
        at.put("0.75", new Metrics.Threshold(1, 0.25));
        Map<String, Metrics.ClassMetrics> perClass = new LinkedHashMap<>();
        for (int c = 0; c < 10; c++) {
            Map<String, Metrics.Threshold> none = new LinkedHashMap<>();
            at.keySet().forEach(t -> none.put(t, new Metrics.Threshold(0, 0)));
            perClass.put(Integer.toString(c), new Metrics.ClassMetrics(0, 0, 0, 0, 0, 0, none));
        }
        perClass.put("3", new Metrics.ClassMetrics(2, 1, 1.0, 0.5, 2 / 3.0, 0.7,
                Map.of("0.5", new Metrics.Threshold(2, 1.0), "0.6", new Metrics.Threshold(1, 0.5),
                        "0.75", new Metrics.Threshold(0, 0))));
        long[][] confusion = new long[10][10];
        confusion[3][3] = 1;
        confusion[3][5] = 1;
        confusion[7][7] = 2;
        return new Metrics(4, 0.75, 0.0012345, 0.6, at, perClass, confusion,
                new Metrics.Histogram(new double[] {0, 0.25, 0.5, 0.75, 1}, new long[] {0, 1, 2, 1}));
    }

    @Test
    void headlineFiguresAndTables() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("model", "runs/<x>/model.zip");
        String html = HtmlReport.render("runs/a&b", facts, metrics(), List.of(), new byte[] {1, 2, 3}, 0.6);

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</body></html>\n")
                .contains("<title>runs/a&amp;b</title>")
                .contains("<div class='card'>validation accuracy<b>75.00%</b></div>")
                .contains("<div class='card'>mean IoU<b>0.600</b></div>")
                .contains("<div class='card'>boxes with IoU ≥ 0.6<b>50.00% <small>(2 / 4)</small></b></div>")
                .contains("<div class='card'>bounding-box MSE<b>1.23e-03</b></div>")
                .contains("<div class='card'>validation canvases<b>4</b></div>")
                .contains("<td style='text-align:left'>runs/&lt;x&gt;/model.zip</td>")
                .contains("No training history found beside the model.")
                .contains("<tr><td>0.5</td><td>3</td><td>75.00%</td></tr>")
                .contains("<tr><td>0.75</td><td>1</td><td>25.00%</td></tr>")
                .contains("src='data:image/png;base64,AQID'");
        // confusion cells: shade 0.08 + 0.6 sqrt(count / largest count); blue on the diagonal, red off it
        assertThat(html).contains("<td style='background:rgba(31,119,180,0.68)'>2</td>")
                .contains("<td style='background:rgba(214,39,40,0.50)'>1</td>")
                .contains("<td style='background:rgba(31,119,180,0.50)'>1</td>")
                .contains("<td style='background:rgba(214,39,40,0.00)'>0</td>");
        // per class: digit, support, precision, recall, F1, mean IoU, then each threshold's share
        assertThat(html).contains("<tr><th>3</th><td>2</td><td>100.00%</td><td>50.00%</td><td>0.667</td><td>0.700</td>");
        // sections in the README's order
        assertThat(html.indexOf("<h2>Run</h2>")).isLessThan(html.indexOf("<h2>Learning curves</h2>"));
        assertThat(html.indexOf("<h2>Confusion matrix</h2>")).isLessThan(html.indexOf("<h2>Per class</h2>"));
        assertThat(html.indexOf("<h2>Per class</h2>")).isLessThan(html.indexOf("<h2>IoU distribution</h2>"));
    }

    @Test
    void aThresholdNotReportedHasNoCardAndAHistoryHasCurves() {
        List<EpochRecord> history = List.of(new EpochRecord(1, 2.0, 1.5, 0.5, 0.4, 0.01, 100, 10, 12, 10),
                new EpochRecord(2, 1.0, 0.9, 0.8, 0.6, 0.005, 100, 10, 12, 10));
        String html = HtmlReport.render("m", Map.of(), metrics(), history, new byte[0], 0.9);
        assertThat(html).doesNotContain("boxes with IoU ≥").doesNotContain("No training history found")
                .contains("validation accuracy").contains("validation mean IoU");
        assertThat(html.split("<svg", -1)).as("three curves and the histogram").hasSize(5);
    }

    @Test
    void theCurvesMarkTheBestEpochOnlyWhenOneIsGiven() {
        List<EpochRecord> history = List.of(new EpochRecord(1, 2.0, 1.5, 0.5, 0.4, 0.01, 100, 10, 12, 10),
                new EpochRecord(2, 1.0, 0.9, 0.8, 0.6, 0.005, 100, 10, 12, 10),
                new EpochRecord(3, 0.9, 1.0, 0.7, 0.5, 0.006, 100, 10, 12, 10));
        String marked = HtmlReport.render("m", Map.of(), metrics(), history, new byte[0], 0.6, 2);
        // one dashed line per curve, half-way along the x axis (the second of three points)
        assertThat(marked.split("<line class='best'", -1)).hasSize(4);
        assertThat(marked).contains("best: epoch 2");
        String plain = HtmlReport.render("m", Map.of(), metrics(), history, new byte[0], 0.6);
        assertThat(plain).doesNotContain("class='best'");
    }
}
