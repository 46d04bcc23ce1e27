package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.score.ScoreJob;
import io.digitloc.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--format", paramLabel = "auto|parquet|images", defaultValue = "auto",
            description = "What --input holds (default: ${DEFAULT-VALUE}: Parquet if it has Parquet files).")
    ScoreJob.Format format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (Parquet).")
    String out;

    @Option(names = "--overwrite", description = "Replace --out if it exists (atomically).")
    boolean overwrite;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--pixels-col", paramLabel = "NAME", defaultValue = "pixels",
            description = "Parquet column of grayscale bytes (default: ${DEFAULT-VALUE}).")
    String pixelsColumn;

    @Option(names = "--probabilities", description = "Also write the 10 class probabilities.")
    boolean probabilities;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256",
            description = "Canvases per inference call on an executor (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        Map<String, Object> o = new LinkedHashMap<>();
        modelOptions.addTo(o);
        Settings settings = common.load(o);
        if (batch < 1) {
            throw new io.digitloc.config.SettingsException("--batch must be 1 or more, not " + batch);
        }
        ScoreJob.Result r = ScoreJob.run(SparkSessions.getOrCreate(settings.spark()), new ScoreJob.Request(input, format,
                settings.eval().modelPath(settings), out, overwrite, settings.data().canvasSize(), batch, pixelsColumn,
                probabilities));
        System.out.printf(Locale.ROOT, "score: %d rows, %d scored, %d unscored (see the error column), %.1f s, "
                + "%.0f rows/s%nwritten: %s%n", r.rows(), r.scored(), r.errors(), r.seconds(), r.rowsPerSecond(), r.out());
        return 0;
    }
}
