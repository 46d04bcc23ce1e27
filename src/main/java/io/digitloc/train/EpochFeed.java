package io.digitloc.train;

import io.digitloc.augment.DigitWarp;
import io.digitloc.augment.EpochBatches;
import io.digitloc.engine.Masters;
import io.digitloc.engine.ParameterAveragingMaster;
import io.digitloc.config.BatchSchedule;
import io.digitloc.config.DistributionSettings;
import io.digitloc.config.StepPlan;
import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.core.RunLayout;
import io.digitloc.data.CanvasRows;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.platform.NativeSetup;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Each epoch's training data on its way to the workers: the train rows shuffled within their partitions
 * (seeded by seed, epoch and partition), re-placed when augmenting, cut into mini-batches of the worker
 * batch ({@link EpochBatches}), and handed to the distributed fit in one of three ways: made by the workers
 * themselves from the digits their executor keeps (approach {@code digits}: the train split packed once a
 * session, {@link DigitPacks}; an epoch then writes nothing), as compact {@link CanvasBatch} files written
 * each epoch ({@code export}: raw bytes, 4x smaller than DL4J's float export), or as an RDD of
 * MultiDataSets ({@code direct}). The first two give the same bits. Each epoch is cut at its phase of
 * the global batch ({@link BatchSchedule}): its workers, each one's mini-batch, and its first counted step.
 */
public final class EpochFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EpochFeed.class);

    private final JavaSparkContext jsc;
    private final Dataset<Row> rows;
    private final Settings settings;
    private final int size;
    private final Path batches;
    private final HadoopConf conf;
    private final BatchSchedule schedule;
    private final StepPlan steps;

    /** @param schedule the global batch, epoch by epoch */
    public EpochFeed(JavaSparkContext jsc, Settings settings, TrainingData data, BatchSchedule schedule) {
        this.jsc = jsc;
        this.rows = data.train();
        this.settings = settings;
        this.size = data.canvasSize();
        this.batches = data.batches();
        this.conf = data.conf();
        this.schedule = schedule;
        this.steps = schedule.steps();
    }

    private List<Integer> packed; // approach digits: each partition's canvases, once the packs are written

    /** What reads {@code epoch}'s batches on the workers: from their files, or made from the executor's digits. */
    public org.deeplearning4j.core.loader.MultiDataSetLoader loader(int epoch) {
        double smoothing = settings.train().network().labelSmoothing();
        return digits() ? new DigitBatchLoader(packDir().toString(), conf, cut(epoch), smoothing)
                : new CanvasBatchLoader(smoothing);
    }

    /** {@code epoch}'s phase of the global batch. */
    public BatchSchedule.Phase phase(int epoch) {
        return schedule.phase(epoch);
    }

    private boolean digits() {
        return settings.train().distribution().approach() == DistributionSettings.Approach.DIGITS;
    }

    private EpochBatches cut(int epoch) {
        return cut(settings, phase(epoch).workerBatch(), size);
    }

    private Path packDir() {
        return new Path(batches, RunLayout.DIGITS);
    }

    /**
     * The epoch's batches as the workers will ask for them, partition by partition: the names of the batches
     * they make themselves (approach digits: the packs are written at the first call), or the files the
     * export job writes now.
     */
    public List<String> epochBatches(int epoch) {
        if (!digits()) {
            return export(epoch);
        }
        if (packed == null) {
            long t0 = System.nanoTime();
            packed = DigitPacks.write(rows, size, packDir(), conf);
            LOG.info("train: the train split's digits packed for the workers in {} ({} partitions, {} s)", packDir(),
                    packed.size(), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        }
        return DigitBatchLoader.names(cut(epoch), packed, epoch);
    }

    /** Removes the digit packs, if any were written (the export approach removes each epoch's files after it). */
    void close() {
        if (packed != null) {
            DigitPacks.forget(packDir().toString());
            HadoopFiles.deleteQuietly(HadoopFiles.fs(packDir(), conf), packDir());
        }
    }

    /** One pass over the train split through {@code sparkNet}; returns the seconds of the distributed fit itself. */
    public double fit(SparkComputationGraph sparkNet, int epoch) {
        begin(sparkNet, epoch);
        try {
            if (settings.train().distribution().approach() == DistributionSettings.Approach.DIRECT) {
                return fitDirect(sparkNet, epoch);
            }
            Path dir = epochDir(epoch);
            List<String> paths = epochBatches(epoch);
            long start = System.nanoTime();
            master(sparkNet).fitRounds(sparkNet, paths, loader(epoch));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!digits()) {
                HadoopFiles.deleteQuietly(HadoopFiles.fs(dir, conf), dir);
            }
            return seconds;
        } finally {
            end();
        }
    }

    /**
     * Sets {@code sparkNet} to {@code epoch}'s phase: the master's workers and their batch, the step count
     * where the epoch begins, and in local mode the phase's workers' share of the cores (fewer workers,
     * more cores each). {@link #end} gives the cores back.
     */
    public void begin(SparkComputationGraph sparkNet, int epoch) {
        BatchSchedule.Phase p = phase(epoch);
        master(sparkNet).phase(p.workers(), p.workerBatch());
        sparkNet.getNetwork().getConfiguration().setIterationCount((int) Math.min(Integer.MAX_VALUE, steps.first(epoch)));
        NativeSetup.limitThreads(Masters.threadsPerTask(settings.train(), jsc, p.workers()));
        LOG.info("train: epoch {}: global batch {}, {} worker(s) of {} each", epoch, p.globalBatch(), p.workers(),
                p.workerBatch());
    }

    /** After an epoch's fit: the cores shared by all the session's task slots again. */
    public void end() {
        NativeSetup.limitThreads(Masters.threadsPerTask(settings.train(), jsc));
    }

    /** The epoch's batch files, written on the executors, partition by partition. */
    public List<String> export(int epoch) {
        return exportEpoch(rows, settings, phase(epoch).workerBatch(), size, epoch, epochDir(epoch), conf);
    }

    public Path epochDir(int epoch) {
        return new Path(batches, RunLayout.epochBatches(epoch));
    }

    private double fitDirect(SparkComputationGraph sparkNet, int epoch) {
        TrainSettings t = settings.train();
        EpochBatches cut = cut(epoch); // the closure must not capture this feed
        double smoothing = t.network().labelSmoothing();
        JavaRDD<MultiDataSet> data = rows.javaRDD()
                .mapPartitionsWithIndex((index, it) -> batches(cut, it, epoch, index)
                        .stream().map(b -> b.toMultiDataSet(smoothing)).iterator(), true)
                .persist(Masters.storageLevel(t));
        data.count();
        long fitStart = System.nanoTime();
        sparkNet.fitMultiDataSet(data);
        double seconds = (System.nanoTime() - fitStart) / 1e9;
        data.unpersist(false);
        return seconds;
    }

    private static ParameterAveragingMaster master(SparkComputationGraph sparkNet) {
        return (ParameterAveragingMaster) sparkNet.getTrainingMaster();
    }

    /**
     * Writes one epoch's mini-batches of {@code batchSize} (shuffled, re-placed when augmenting) as batch
     * files under {@code epochDir}, on the executors; returns their paths, partition by partition.
     */
    static List<String> exportEpoch(Dataset<Row> rows, Settings settings, int batchSize, int size, int epoch,
                                    Path epochDir, HadoopConf conf) {
        EpochBatches cut = cut(settings, batchSize, size);
        return rows.javaRDD()
                .mapPartitionsWithIndex((index, it) -> writeBatches(batches(cut, it, epoch, index), epochDir, index, conf)
                        .iterator(), true)
                .collect();
    }

    /** How the run's settings cut and re-place an epoch's batches of {@code batchSize}. */
    public static EpochBatches cut(Settings settings, int batchSize, int size) {
        var a = settings.train().augmentation();
        return new EpochBatches(settings.seed(), batchSize, size, a.enabled(), new DigitWarp(a.rotation(), a.scale()));
    }

    /** A partition's rows as {@code cut}'s batches of {@code epoch} (runs on executors). */
    static List<CanvasBatch> batches(EpochBatches cut, Iterator<Row> it, int epoch, int partition) {
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        int[] order = cut.order(rows.size(), epoch, partition);
        List<CanvasBatch> out = new ArrayList<>();
        for (int b = 0; b < cut.batches(rows.size()); b++) {
            List<Row> chunk = new ArrayList<>();
            for (int i : cut.batch(order, b)) {
                chunk.add(rows.get(i));
            }
            out.add(cut.place(CanvasRows.batch(chunk, cut.size()), CanvasRows.ids(chunk), epoch));
        }
        return out;
    }

    /** Writes batches as files under {@code dir} and returns their paths (what the workers read). */
    public static List<String> writeBatches(List<CanvasBatch> batches, Path dir, int partition, HadoopConf conf) {
        List<String> paths = new ArrayList<>(batches.size());
        FileSystem fs = HadoopFiles.fs(dir, conf);
        for (int b = 0; b < batches.size(); b++) {
            Path p = new Path(dir, RunLayout.batchFile(partition, b));
            try (FSDataOutputStream out = fs.create(p, true)) {
                batches.get(b).writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write training batch " + p + ": " + e.getMessage(), e);
            }
            paths.add(p.toString());
        }
        return paths;
    }
}
