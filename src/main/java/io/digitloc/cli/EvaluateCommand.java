package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code evaluate}: figures, predictions, picture and report for a trained model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on the validation split: accuracy, confusion matrix, per-class precision/"
                + "recall/F1, bounding-box MSE, mean IoU and the share of boxes at or above each IoU threshold. Writes "
                + "metrics.json, predictions/ (Parquet), predictions_sample.csv, grid.png and report.html."})
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Mixin
    EvalOptions evalOptions;

    @Mixin
    DataDirOption dataDir;
    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        Settings settings = common.load();
        EvaluateJob.checkInputs(settings, HadoopConf.local());
        EvaluateJob.Result r = EvaluateJob.run(SparkSessions.getOrCreate(settings.spark()), settings);
        Output.printEvaluated(r);
        return 0;
    }
}
