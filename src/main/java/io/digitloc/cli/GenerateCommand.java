package io.digitloc.cli;

import io.digitloc.config.DataSettings;
import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code generate}: IDX digits to Parquet canvases. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Paste each MNIST digit at a random place on a black canvas and write the train and "
                + "validation splits as sharded Parquet with a manifest. Placement depends only on the seed and the "
                + "sample id, so the output is identical whatever the partitioning.",
                "The dataset appears atomically: it is built in a hidden sibling directory and renamed into place."})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Mixin
    DataOptions dataOptions;

    @Option(names = "--train-shards", paramLabel = "N", descriptionKey = "data.train-shards")
    Integer trainShards;

    @Option(names = "--validation-shards", paramLabel = "N", descriptionKey = "data.validation-shards")
    Integer validationShards;

    @Option(names = "--if-exists", paramLabel = "POLICY", descriptionKey = "data.if-exists")
    DataSettings.IfExists ifExists;

    @Override
    public Integer call() {
        Settings settings = common.load();
        GenerateJob.Plan plan = GenerateJob.plan(settings);
        SparkSession spark = SparkSessions.getOrCreate(settings.spark());
        GenerateJob.Result r = GenerateJob.run(spark, plan);
        System.out.printf("generate: %d train + %d validation canvases (%dx%d) in %s (%.1f s)%n",
                r.manifest().splits().get("train").count(), r.manifest().splits().get("validation").count(),
                r.manifest().canvasSize(), r.manifest().canvasSize(), r.dir(), r.seconds());
        return 0;
    }
}
