package io.digitloc.registry;

import io.digitloc.core.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The promotion rule: a candidate replaces the champion only if it is not worse on any of the chosen
 * figures, allowing a margin. Higher is better except for box_mse. A tie promotes (a fresh model on
 * fresh data is preferred at equal quality); no champion promotes.
 */
public final class Promotion {
    private Promotion() {
    }

    /** The verdict and why. */
    public record Decision(boolean promote, String reason) {
    }

    public static Decision decide(Metrics candidate, Metrics champion, List<String> figures, double margin) {
        if (champion == null) {
            return new Decision(true, "no champion yet");
        }
        List<String> worse = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        for (String name : figures) {
            double c = figure(candidate, name);
            double h = figure(champion, name);
            boolean lowerIsBetter = name.equals("box_mse");
            boolean notWorse = lowerIsBetter ? c <= h * (1 + margin) + 1e-15 : c >= h - margin - 1e-15;
            String line = String.format(Locale.ROOT, "%s %.5f vs champion %.5f", name, c, h);
            compared.add(line);
            if (!notWorse) {
                worse.add(line);
            }
        }
        return worse.isEmpty()
                ? new Decision(true, "not worse: " + String.join(", ", compared))
                : new Decision(false, "worse than the champion: " + String.join(", ", worse));
    }

    /** One figure of a metrics.json by its promotion name. */
    static double figure(Metrics m, String name) {
        switch (name) {
            case "accuracy":
                return m.accuracy();
            case "mean_iou":
                return m.meanIou();
            case "box_mse":
                return m.boxMse();
            default:
                String key = Metrics.key(Double.parseDouble(name.substring("iou_at_".length())));
                Metrics.Threshold t = m.iouAt().get(key);
                if (t == null) {
                    throw new IllegalArgumentException("promotion figure " + name + ": the evaluation reports IoU "
                            + "thresholds " + m.iouAt().keySet() + " only; add it to digitloc.eval.iou-thresholds");
                }
                return t.share();
        }
    }
}
