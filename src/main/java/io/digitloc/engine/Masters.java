package io.digitloc.engine;

import io.digitloc.config.DistributionSettings;
import io.digitloc.config.BatchSchedule;
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

/** The training masters every distributed fit uses (the train job and the benchmarks), and their sizes. */
public final class Masters {
    private Masters() {
    }

    /**
     * The master of a run whose global batch follows {@code schedule}, set to its first epoch's phase
     * ({@link ParameterAveragingMaster#phase} moves it on).
     */
    public static ParameterAveragingMaster master(Settings settings, Path batches, BatchSchedule schedule) {
        BatchSchedule.Phase first = schedule.phase(1);
        return master(settings, batches, first.workers(), first.workerBatch());
    }

    /** The master of {@code workers} workers fitting {@code workerBatch} samples a step each. */
    public static ParameterAveragingMaster master(Settings settings, Path batches, int workers, int workerBatch) {
        return master(settings, batches, workers, workerBatch, settings.scaleOut().resolve(workers),
                settings.train().distribution().averagingFrequency());
    }

    /** Threads per task: the setting, or the cores of this JVM shared by the tasks it runs at once. */
    public static int threadsPerTask(TrainSettings t, JavaSparkContext jsc) {
        return threadsPerTask(t, jsc, io.digitloc.spark.SparkSessions.workers(jsc));
    }

    /** As {@link #threadsPerTask(TrainSettings, JavaSparkContext)} while {@code tasks} tasks fit at once. */
    public static int threadsPerTask(TrainSettings t, JavaSparkContext jsc, int tasks) {
        if (t.distribution().threadsPerTask() > 0) {
            return t.distribution().threadsPerTask();
        }
        if (jsc.master().startsWith("local")) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, tasks));
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
