package io.digitloc.cli;

import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** Options of the evaluate stage. */
public final class EvalOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Where the evaluation goes (default: the model's directory).")
    String out;

    @Option(names = "--eval-limit", paramLabel = "N",
            description = "Evaluate only the first N validation canvases; 0 = all (default: ${sys:digitloc.default.eval.limit}).")
    Integer limit;

    @Option(names = "--iou-thresholds", paramLabel = "T", split = ",",
            description = "IoU thresholds to report, comma-separated (default: ${sys:digitloc.default.eval.iou-thresholds}).")
    List<Double> thresholds;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.eval.out", out);
        CommonOptions.put(o, "digitloc.eval.limit", limit);
        CommonOptions.put(o, "digitloc.eval.iou-thresholds", thresholds);
    }
}
