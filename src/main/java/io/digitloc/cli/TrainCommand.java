package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.spark.SparkSessions;
import io.digitloc.train.Start;
import io.digitloc.train.TrainJob;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code train}: fit the network on an existing dataset. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the dual-output network (classification + bounding box) on the train split with "
                + "SparkComputationGraph and parameter averaging. After each epoch: validation loss, accuracy and mean "
                + "IoU, a checkpoint with updater state, and history.csv/json.",
                "The model directory appears only when training has finished (it is built in .<dir>.inprogress)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Mixin
    TrainOptions trainOptions;

    @Mixin
    DataDirOption dataDir;
    @Mixin
    ModelIfExistsOption ifExists;

    @Option(names = "--resume",
            description = "Continue an interrupted run of this model directory from its last epoch checkpoint "
                    + "(model, updater state, epoch counter, history) instead of starting over.")
    boolean resume;

    @Option(names = "--warm-start", paramLabel = "MODEL",
            description = "Initialise the weights from this model.zip (fine-tuning, a second training stage) instead "
                    + "of fresh ones; the optimiser state and the learning-rate schedule start anew.")
    String warmStart;

    @Override
    public Integer call() {
        Settings settings = common.load();
        if (resume && warmStart != null) {
            throw new SettingsException("--resume and --warm-start exclude each other");
        }
        if (warmStart != null && !HadoopFiles.exists(new Path(warmStart), HadoopConf.local())) {
            throw new SettingsException("--warm-start: there is no model at " + warmStart);
        }
        TrainJob.checkOutput(settings, HadoopConf.local());
        TrainJob.Result r = TrainJob.run(SparkSessions.getOrCreate(settings.spark()), settings,
                new Start(resume, warmStart));
        Output.printTrained(r);
        return 0;
    }
}
