package io.digitloc.cli;

import io.digitloc.config.ScoreSettings;
import io.digitloc.config.Settings;
import io.digitloc.score.ScoreJob;
import io.digitloc.spark.ClusterPaths;
import io.digitloc.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code score}: a trained model over new canvases or pictures, distributed, to Parquet. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score new data with a trained model on Spark: a Parquet dataset with a pixels column (the "
                + "canvas schema, with or without labels; other canvas sizes are fitted as pictures are), or picture "
                + "files (a directory or glob on any Hadoop filesystem). Writes Parquet: the input's columns but the "
                + "pixels, plus digit, probability, the box as fractions (box_*) and in the input's pixels (px_*), and "
                + "error for rows that could not be scored (counted, never dropped)."})
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Parquet dataset, or a directory or glob of pictures (file:, hdfs:, s3a: ...).")
    String input;

    @Option(names = "--format", paramLabel = "auto|parquet|pictures", descriptionKey = "score.format")
    ScoreSettings.Format format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (Parquet).")
    String out;

    @Option(names = "--overwrite", description = "Replace --out if it exists (atomically).")
    boolean overwrite;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--pixels-col", paramLabel = "NAME", descriptionKey = "score.pixels-col")
    String pixelsColumn;

    @Option(names = "--probabilities", description = "Also write the 10 class probabilities.")
    boolean probabilities;

    @Option(names = "--batch", paramLabel = "N", descriptionKey = "score.batch-size")
    Integer batch;

    @Override
    public Integer call() {
        Settings settings = common.load();
        ScoreSettings score = settings.score();
        ClusterPaths.requireReachable("--input", input);
        ClusterPaths.requireReachable("--out", out);
        ScoreJob.Result r = ScoreJob.run(SparkSessions.getOrCreate(settings.spark()), new ScoreJob.Request(input,
                score.format(), settings.eval().modelPath(settings.train().modelDir()), out, overwrite, settings.data().canvasSize(),
                score.batchSize(), score.pixelsCol(), probabilities));
        System.out.printf(Locale.ROOT, "score: %d rows, %d scored, %d unscored (see the error column), %.1f s, "
                + "%.0f rows/s%nwritten: %s%n", r.rows(), r.scored(), r.errors(), r.seconds(), r.rowsPerSecond(), r.out());
        return 0;
    }
}
