package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.config.SettingsException;
import io.digitloc.data.GenerateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.pipeline.Pipeline;
import io.digitloc.spark.SparkSessions;
import io.digitloc.train.Start;
import io.digitloc.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pipeline}: generate (when needed), train, evaluate. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the stages end to end: generate the canvases unless a dataset made with the same settings "
                + "and source files is already there (its manifest is compared), then train, then evaluate (metrics.json, predictions, grid.png, report.html in the model directory).",
                "Quick run: --config conf/quick.conf. Full size: --config conf/full.conf.",
                "An interrupted run continues with --resume: training goes on from its last epoch checkpoint, "
                        + "then the model is evaluated."})
final class PipelineCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Mixin
    DataOptions dataOptions;
    @Mixin
    TrainOptions trainOptions;
    @Mixin
    EvalOptions evalOptions;

    @Option(names = "--regenerate",
            description = "Replace an existing dataset whose manifest does not match the settings (default: fail).")
    boolean regenerate;

    @Option(names = "--resume",
            description = "Continue an interrupted run of this model directory from its last epoch checkpoint "
                    + "(model, updater state, epoch counter, history), as train --resume does, then evaluate.")
    boolean resume;

    @Mixin
    ModelIfExistsOption ifExists;

    @Override
    public Integer call() {
        Settings settings = common.load(regenerate ? Map.of("digitloc.data.if-exists", "replace") : Map.of());
        HadoopConf local = HadoopConf.local();
        TrainJob.checkOutput(settings, local);
        GenerateJob.Plan generate = GenerateJob.planIfNeeded(settings, local);
        if (resume && generate != null) {
            throw new SettingsException("--resume: there is no dataset at " + settings.data().dir()
                    + " to resume on; a resumed run trains on the dataset it started with");
        }

        Pipeline.Result r = Pipeline.run(SparkSessions.getOrCreate(settings.spark()), settings, generate,
                new Start(resume, null));
        if (r.generated() != null) {
            System.out.printf("generate: dataset written to %s (%.1f s)%n", r.generated().dir(), r.generated().seconds());
        } else {
            System.out.println("generate: reusing " + settings.data().dir() + " (manifest matches the settings)");
        }
        Output.printTrained(r.trained());
        Output.printEvaluated(r.evaluated());
        return 0;
    }
}
