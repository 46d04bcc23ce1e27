package io.digitloc.config;

import com.typesafe.config.Config;
import io.digitloc.core.RunLayout;

import java.io.Serializable;
import java.util.List;

/**
 * How a model is evaluated (keys {@code digitloc.eval.*}; conf/pipeline.conf describes them).
 *
 * @param model         {@code eval.model}; blank = the model of {@code train.model-dir}
 * @param out           {@code eval.out}; blank = the model's directory
 * @param limit         {@code eval.limit}; 0 = all
 * @param iouThresholds {@code eval.iou-thresholds}, sorted, without repeats
 * @param gridColumns   {@code eval.grid-columns}
 * @param sampleRows    {@code eval.sample-rows}
 * @param batchSize     {@code eval.batch-size}: canvases per forward pass
 */
public record EvalSettings(String model, String out, int limit, List<Double> iouThresholds, int gridColumns,
                           int sampleRows, int batchSize) implements Serializable {
    static final Setting<String> MODEL = Setting.driverPath("eval.model", "a model zip, or \"\" for the default");
    static final Setting<String> OUT = Setting.driverPath("eval.out", "a directory path, or \"\" for the default");
    static final Setting<Integer> LIMIT = Setting.integer("eval.limit", v -> v >= 0, "0 (all) or a positive count");
    static final Setting<List<Double>> IOU_THRESHOLDS = Setting.numbers("eval.iou-thresholds",
            v -> v != null && !v.isEmpty() && v.stream().allMatch(t -> t > 0 && t <= 1),
            "a non-empty list of numbers in (0, 1]");
    static final Setting<Integer> GRID_COLUMNS = Setting.integer("eval.grid-columns", v -> v >= 1 && v <= 50, "1 to 50");
    static final Setting<Integer> SAMPLE_ROWS = Setting.integer("eval.sample-rows", v -> v >= 0, "0 or more");
    static final Setting<Integer> BATCH_SIZE = Setting.integer("eval.batch-size", v -> v >= 1 && v <= 65_536,
            "1 to 65536");

    public EvalSettings {
        LIMIT.check(limit);
        iouThresholds = IOU_THRESHOLDS.check(iouThresholds).stream().sorted().distinct().toList();
        GRID_COLUMNS.check(gridColumns);
        SAMPLE_ROWS.check(sampleRows);
        BATCH_SIZE.check(batchSize);
    }

    /** The model to evaluate: the set one, or the model of {@code trainModelDir} (train.model-dir). */
    public String modelPath(String trainModelDir) {
        return model == null || model.isBlank() ? trainModelDir + "/" + RunLayout.MODEL : model;
    }

    /** Where the evaluation goes: the set directory, or the model's. */
    public String outDir(String trainModelDir) {
        if (out != null && !out.isBlank()) {
            return out;
        }
        String m = modelPath(trainModelDir);
        int slash = m.lastIndexOf('/');
        return slash < 0 ? "." : m.substring(0, slash);
    }

    static EvalSettings from(Config root) {
        return new EvalSettings(MODEL.read(root), OUT.read(root), LIMIT.read(root), IOU_THRESHOLDS.read(root),
                GRID_COLUMNS.read(root), SAMPLE_ROWS.read(root), BATCH_SIZE.read(root));
    }
}
