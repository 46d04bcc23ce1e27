package io.digitloc.engine;

import io.digitloc.config.DistributionSettings;
import io.digitloc.config.ScaleOutSettings;
import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.rounds.OuterOptimizer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/** The training masters every distributed fit uses (the train job, its warm-up and the benchmarks), and their sizes. */
public final class Masters {
    private Masters() {
    }

    /** The master of {@code workers} workers, each fitting {@link #workerBatch} samples per step. */
    public static ParameterAveragingMaster master(Settings settings, Path batches, int workers) {
        return master(settings, batches, workers, workerBatch(settings, workers), settings.scaleOut().resolve(workers),
                settings.train().distribution().averagingFrequency());
    }

    /**
     * The master of the scale-out warm-up, plain averaging: one worker stepping with the global batch
     * ({@link #warmupBatch}), or with a batch per worker all N sharing batch-size out, each fitting as many
     * steps a round as after the warm-up (a round's batch files hold batch-size each).
     */
    public static ParameterAveragingMaster warmupMaster(Settings settings, Path batches, int workers) {
        ScaleOutSettings.Outer plain = new ScaleOutSettings.Outer(1, 0, false);
        int frequency = settings.train().distribution().averagingFrequency();
        int warmers = settings.scaleOut().warmupWorkers(workers);
        if (warmers == 1) {
            return master(settings, batches, 1, warmupBatch(settings, workers), plain, frequency);
        }
        int shared = ScaleOutSettings.sharedBatch(settings.train().batchSize(), warmers);
        int files = (int) Math.max(1, Math.round(frequency * shared / (double) workerBatch(settings, workers)));
        return master(settings, batches, warmers, shared, plain, files);
    }

    /** The mini-batch each of {@code workers} workers fits (the batch files are cut to it). */
    public static int workerBatch(Settings settings, int workers) {
        return settings.scaleOut().workerBatch(settings.train().batchSize(), workers);
    }

    /**
     * The warm-up worker's mini-batch: the global batch (batch-size), as one worker of a one-worker run
     * steps (smaller batches would make the warm-up itself learn faster per sample and flatter E(N)).
     * Workers merge consecutive loaded batches up to their batch size, so the N workers' batch files of
     * batch-size / N reach the one warm-up worker N at a time; a whole multiple of the worker batch, so
     * that no file is split.
     */
    public static int warmupBatch(Settings settings, int workers) {
        int worker = workerBatch(settings, workers);
        return worker * Math.max(1, (int) Math.round(settings.train().batchSize() / (double) worker));
    }

    /** Threads per task: the setting, or the cores of this JVM shared by the tasks it runs at once. */
    public static int threadsPerTask(TrainSettings t, JavaSparkContext jsc) {
        if (t.distribution().threadsPerTask() > 0) {
            return t.distribution().threadsPerTask();
        }
        if (jsc.master().startsWith("local")) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, io.digitloc.spark.SparkSessions.workers(jsc)));
        }
        return 0; // cluster executors: set by conf/spark-defaults (OMP_NUM_THREADS = executor cores)
    }

    public static StorageLevel storageLevel(TrainSettings t) {
        return StorageLevel.fromString(t.distribution().storageLevel());
    }

    /**
     * @param workers Spark tasks fitting at once
     * @param batch     each task's mini-batch (workers merge or split loaded batches to it)
     * @param frequency batch files each worker fits per round
     */
    private static ParameterAveragingMaster master(Settings settings, Path batches, int workers, int batch,
                                                   ScaleOutSettings.Outer outer, int frequency) {
        TrainSettings t = settings.train();
        // numWorkers given explicitly: DL4J M2's path-based fit of a ComputationGraph otherwise asks a null
        // SparkDl4jMultiLayer for it (NullPointerException in executeTrainingPathsHelper).
        return new ParameterAveragingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(frequency)
                .workerPrefetchNumBatches(t.distribution().prefetch())
                .saveUpdater(true)
                .rddTrainingApproach(t.distribution().approach() == DistributionSettings.Approach.DIRECT
                        ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export)
                .exportDirectory(new Path(batches, "dl4j").toString())
                .storageLevel(storageLevel(t))
                .storageLevelStreams(storageLevel(t))
                .repartionData(Repartition.Always)
                .rngSeed(settings.seed())
                .collectTrainingStats(false), new OuterOptimizer(outer), new BarrierRounds(t.distribution()));
    }
}
