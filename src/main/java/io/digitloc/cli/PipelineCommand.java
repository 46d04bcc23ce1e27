package io.digitloc.cli;

import io.digitloc.config.DataSettings;
import io.digitloc.config.Settings;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.DatasetException;
import io.digitloc.data.DatasetManifest;
import io.digitloc.data.GenerateJob;
import io.digitloc.data.IdxSource;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.io.Files;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.SparkSessions;
import io.digitloc.train.TrainJob;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
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
        GenerateJob.Plan generate = planData(settings, local);

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

    /** A generate plan when the data must be (re)made, null when the existing dataset matches. */
    static GenerateJob.Plan planData(Settings settings, HadoopConf conf) {
        DataSettings data = settings.data();
        if (!Files.exists(new Path(data.dir()), conf)) {
            return GenerateJob.plan(settings, conf);
        }
        DatasetManifest manifest;
        try {
            manifest = CanvasDataset.readManifest(data.dir(), conf);
        } catch (DatasetException e) {
            if (data.ifExists() == DataSettings.IfExists.REPLACE) {
                return GenerateJob.plan(settings, conf);
            }
            throw new DatasetException(e.getMessage() + "; pass --regenerate to replace it");
        }
        var sources = GenerateJob.inspect(new IdxSource(data.mnistDir(), conf));
        List<String> why = manifest.mismatches(settings.seed(), data, sources);
        if (why.isEmpty()) {
            return null;
        }
        if (data.ifExists() == DataSettings.IfExists.REPLACE) {
            return new GenerateJob.Plan(settings, new IdxSource(data.mnistDir(), conf), sources);
        }
        throw new DatasetException("the dataset at " + data.dir() + " was made with other settings: "
                + String.join(", ", why) + "; pass --regenerate to replace it, or choose another --data-dir");
    }
}
