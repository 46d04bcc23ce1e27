package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.util.List;

/**
 * How a model is evaluated.
 *
 * @param model         the model zip; blank = {@code <train.model-dir>/model.zip}
 * @param out           where metrics.json, predictions/, grid.png and report.html go; blank = the model's directory
 * @param limit         validation canvases evaluated; 0 = all
 * @param iouThresholds IoU thresholds reported (share and count of boxes at or above each)
 * @param gridColumns   canvases per row of the picture
 * @param sampleRows    rows of predictions_sample.csv (plus the misclassified ones)
 */
public record EvalSettings(String model, String out, int limit, List<Double> iouThresholds, int gridColumns,
                           int sampleRows) implements Serializable {
    public EvalSettings {
        Settings.require(limit >= 0, "digitloc.eval.limit", limit, "0 (all) or a positive count");
        Settings.require(iouThresholds != null && !iouThresholds.isEmpty()
                        && iouThresholds.stream().allMatch(t -> t > 0 && t <= 1),
                "digitloc.eval.iou-thresholds", iouThresholds, "a non-empty list of numbers in (0, 1]");
        Settings.require(gridColumns >= 1 && gridColumns <= 50, "digitloc.eval.grid-columns", gridColumns, "1 to 50");
        Settings.require(sampleRows >= 0, "digitloc.eval.sample-rows", sampleRows, "0 or more");
        iouThresholds = iouThresholds.stream().sorted().distinct().toList();
    }

    public String modelPath(Settings s) {
        return model == null || model.isBlank() ? s.train().modelDir() + "/model.zip" : model;
    }

    public String outDir(Settings s) {
        if (out != null && !out.isBlank()) {
            return out;
        }
        String m = modelPath(s);
        int slash = m.lastIndexOf('/');
        return slash < 0 ? "." : m.substring(0, slash);
    }

    static EvalSettings from(Config root) {
        return new EvalSettings(
                Settings.get(root, "eval.model", Config::getString),
                Settings.get(root, "eval.out", Config::getString),
                Settings.get(root, "eval.limit", Config::getInt),
                Settings.get(root, "eval.iou-thresholds", Config::getDoubleList),
                Settings.get(root, "eval.grid-columns", Config::getInt),
                Settings.get(root, "eval.sample-rows", Config::getInt));
    }
}
