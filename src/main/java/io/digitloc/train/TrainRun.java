package io.digitloc.train;

import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.DatasetManifest;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.run.RunDirectory;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import io.digitloc.spark.SparkSessions;

/**
 * One run's inputs and places, read once: what the epochs and the publishing share.
 *
 * @param validation the validation rows scored after each epoch (train.eval-limit of them), kept on the
 *                   executors in one partition per task slot until {@link #release}
 */
record TrainRun(JavaSparkContext jsc, Settings settings, Start start, HadoopConf conf, Path work,
                Path modelDir, DatasetManifest manifest, Dataset<Row> validation, long trainCount, long validationCount,
                long t0) {
    static TrainRun of(SparkSession spark, Settings settings, Start start, CanvasDataset dataset, HadoopConf conf, long t0) {
        TrainSettings train = settings.train();
        DatasetManifest manifest = dataset.manifest();
        Dataset<Row> validation = dataset.read(Split.VALIDATION);
        if (train.evalLimit() > 0) {
            validation = validation.orderBy("id").limit(train.evalLimit());
        }
        // scored after every epoch: read (and cut) once, kept on the executors, and spread over all the task
        // slots, where a limit alone leaves one partition that one task scores while the other slots idle
        validation = validation.repartition(Math.max(1, SparkSessions.workers(JavaSparkContext.fromSparkContext(
                spark.sparkContext())))).persist(StorageLevel.MEMORY_AND_DISK());
        long validationCount = Math.min(manifest.split(Split.VALIDATION).count(),
                train.evalLimit() > 0 ? train.evalLimit() : Long.MAX_VALUE);
        Path modelDir = new Path(train.modelDir());
    return new TrainRun(JavaSparkContext.fromSparkContext(spark.sparkContext()), settings, start, conf,
                RunDirectory.inProgress(modelDir), modelDir, manifest, validation,
                manifest.split(Split.TRAIN).count(), validationCount, t0);
    }

    /** Frees the validation rows kept on the executors (the run's end). */
    void release() {
        validation.unpersist();
    }

    /** The canvases' side. */
    int size() {
        return manifest.canvasSize();
    }
}
