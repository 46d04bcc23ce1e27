package io.digitloc.cli;

import io.digitloc.config.DataSettings;
import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.spark.SparkSessions;
import io.digitloc.train.TrainJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pipeline}: generate (when needed), train, evaluate. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the stages end to end: generate the canvases unless a dataset made with the same settings "
                + "and source files is already there (its manifest is compared), then train, then evaluate (metrics.json, predictions, grid.png, report.html in the model directory).",
                "Quick run: --config conf/quick.conf. Full size: --config conf/full.conf."})
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

    @Option(names = "--if-exists", paramLabel = "POLICY",
            description = "When the model directory exists: FAIL (default) or REPLACE (once the new model is finished).")
    DataSettings.IfExists ifExists;

    @Override
    public Integer call() {
        Map<String, Object> o = new LinkedHashMap<>();
        dataOptions.addTo(o);
        trainOptions.addTo(o);
        evalOptions.addTo(o);
        CommonOptions.put(o, "digitloc.train.if-exists", ifExists);
        if (regenerate) {
            o.put("digitloc.data.if-exists", "replace");
        }
        Settings settings = common.load(o);
        HadoopConf local = HadoopConf.local();
        TrainJob.checkOutput(settings, local);
        GenerateJob.Plan generate = GenerateJob.planIfNeeded(settings, local);

        SparkSession spark = SparkSessions.getOrCreate(settings.spark());
        if (generate != null) {
            GenerateJob.Result g = GenerateJob.run(spark, generate);
            System.out.printf("generate: dataset written to %s (%.1f s)%n", g.dir(), g.seconds());
        } else {
            System.out.println("generate: reusing " + settings.data().dir() + " (manifest matches the settings)");
        }
        Output.printTrained(TrainJob.run(spark, settings));
        Output.printEvaluated(EvaluateJob.run(spark, settings));
        return 0;
    }
}
