package io.digitloc.cli;

import picocli.CommandLine.Option;

import java.util.List;

/** Options of the evaluate stage. */
public final class EvalOptions {
    @Option(names = "--out", paramLabel = "DIR", descriptionKey = "eval.out")
    String out;

    @Option(names = "--eval-limit", paramLabel = "N", descriptionKey = "eval.limit")
    Integer limit;

    @Option(names = "--iou-thresholds", paramLabel = "T", split = ",", descriptionKey = "eval.iou-thresholds")
    List<Double> thresholds;
}
