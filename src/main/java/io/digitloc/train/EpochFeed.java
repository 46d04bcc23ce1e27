package io.digitloc.train;

import io.digitloc.augment.DigitWarp;
import io.digitloc.augment.EpochBatches;
import io.digitloc.engine.Masters;
import io.digitloc.engine.ParameterAveragingMaster;
import io.digitloc.config.DistributionSettings;
import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.core.RunLayout;
import io.digitloc.data.CanvasRows;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.platform.NativeSetup;
import io.digitloc.rounds.RoundPlan;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Each epoch's training data on its way to the workers: the train rows shuffled within their partitions
 * (seeded by seed, epoch and partition), re-placed when augmenting, cut into mini-batches of the worker
 * batch ({@link EpochBatches}), and handed to the distributed fit in one of three ways: made by the workers
 * themselves from the digits their executor keeps (approach {@code digits}: the train split packed once a
 * session, {@link DigitPacks}; an epoch then writes nothing), as compact {@link CanvasBatch} files written
 * each epoch ({@code export}: raw bytes, 4x smaller than DL4J's float export), or as an RDD of
 * MultiDataSets ({@code direct}). The first two give the same bits. A fresh run's first epoch starts with the post-local-SGD warm-up: its first batches
 * are fitted by one worker, so one worker's sequential steps carry the network off its initial plateau
 * before N workers average.
 */
public final class EpochFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EpochFeed.class);

    private final JavaSparkContext jsc;
    private final Dataset<Row> rows;
    private final Settings settings;
    private final int size;
    private final Path batches;
    private final HadoopConf conf;
    private final int workers;

    /** @param workers the Spark tasks that fit at once */
    public EpochFeed(JavaSparkContext jsc, Settings settings, TrainingData data, int workers) {
        this.jsc = jsc;
        this.rows = data.train();
        this.settings = settings;
        this.size = data.canvasSize();
        this.batches = data.batches();
        this.conf = data.conf();
        this.workers = workers;
    }

    /** Batches of a fresh run's first epoch that one worker fits first (0 after the first epoch or a warm start). */
    public long warmupBatches(int epoch, boolean warmStart) {
        int batch = Masters.workerBatch(settings, workers);
        return epoch == 1 && !warmStart ? (settings.scaleOut().warmup(workers) + batch - 1) / batch : 0;
    }

    private List<Integer> packed; // approach digits: each partition's canvases, once the packs are written

    /** What reads this feed's batches on the workers: from their files, or made from the executor's digits. */
    public org.deeplearning4j.core.loader.MultiDataSetLoader loader() {
        double smoothing = settings.train().network().labelSmoothing();
        return digits() ? new DigitBatchLoader(packDir().toString(), conf, cut(), smoothing)
                : new CanvasBatchLoader(smoothing);
    }

    private boolean digits() {
        return settings.train().distribution().approach() == DistributionSettings.Approach.DIGITS;
    }

    private EpochBatches cut() {
        return cut(settings, Masters.workerBatch(settings, workers), size);
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
        return DigitBatchLoader.names(cut(), packed, epoch);
    }

    /** Removes the digit packs, if any were written (the export approach removes each epoch's files after it). */
    void close() {
        if (packed != null) {
            DigitPacks.forget(packDir().toString());
            HadoopFiles.deleteQuietly(HadoopFiles.fs(packDir(), conf), packDir());
        }
    }

    /** One pass over the train split through {@code sparkNet}; returns the seconds of the distributed fit itself. */
    public double fit(SparkComputationGraph sparkNet, int epoch, long warmupBatches) {
        if (settings.train().distribution().approach() == DistributionSettings.Approach.DIRECT) {
            return fitDirect(sparkNet, epoch, warmupBatches);
        }
        Path dir = epochDir(epoch);
        List<String> paths = epochBatches(epoch);
        long start = System.nanoTime();
        List<String> rest = warmUp(sparkNet, epoch, paths, warmupBatches);
        if (!rest.isEmpty()) { // a warm-up may take the whole of a small first epoch
            master(sparkNet).fitRounds(sparkNet, rest, loader());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!digits()) {
            HadoopFiles.deleteQuietly(HadoopFiles.fs(dir, conf), dir);
        }
        return seconds;
    }

    /** The epoch's batch files, written on the executors, partition by partition. */
    public List<String> export(int epoch) {
        return exportEpoch(rows, settings, Masters.workerBatch(settings, workers), size, epoch, epochDir(epoch), conf);
    }

    public Path epochDir(int epoch) {
        return new Path(batches, RunLayout.epochBatches(epoch));
    }

    /**
     * Shuffles {@code paths} (seeded by seed and epoch), fits the first {@code warmupBatches} with the warm-up's
     * workers and returns the rest, for the N workers (all of them, unshuffled, without a warm-up).
     */
    public List<String> warmUp(SparkComputationGraph sparkNet, int epoch, List<String> paths, long warmupBatches) {
        if (warmupBatches <= 0) {
            return paths;
        }
        List<String> shuffled = new ArrayList<>(paths);
        Collections.shuffle(shuffled, new Random(settings.seed() * 31 + epoch));
        int cut = (int) Math.min(shuffled.size(), warmupBatches);
        int warmers = settings.scaleOut().warmupWorkers(workers);
        LOG.info("train: {} fit the first {} batches (scale-out warm-up, global batch {}), then {} workers", warmers == 1
                ? "one worker" : warmers + " workers", cut, settings.train().batchSize(), workers);
        double score = warmUp(sparkNet.getNetwork(), single -> master(single).fitRounds(single,
                shuffled.subList(0, cut), loader()), cut, shuffled.size() - cut);
        sparkNet.setScore(score); // the epoch's training loss if the warm-up took all of it
        List<String> rest = shuffled.subList(cut, shuffled.size());
        master(sparkNet).beginEpoch(epoch, (long) rest.size() * Masters.workerBatch(settings, workers));
        return rest;
    }

    private double fitDirect(SparkComputationGraph sparkNet, int epoch, long warmupBatches) {
        TrainSettings t = settings.train();
        int batchSize = Masters.workerBatch(settings, workers);
        EpochBatches cut = cut(settings, batchSize, size); // the closure must not capture this feed
        double smoothing = t.network().labelSmoothing();
        JavaRDD<MultiDataSet> data = rows.javaRDD()
                .mapPartitionsWithIndex((index, it) -> batches(cut, it, epoch, index)
                        .stream().map(b -> b.toMultiDataSet(smoothing)).iterator(), true)
                .persist(Masters.storageLevel(t));
        long total = data.count();
        long fitStart = System.nanoTime();
        JavaRDD<MultiDataSet> fit = data;
        if (warmupBatches > 0) {
            var numbered = data.zipWithIndex();
            long warm = Math.min(total, warmupBatches);
            double score = warmUp(sparkNet.getNetwork(),
                    single -> single.fitMultiDataSet(numbered.filter(b -> b._2() < warmupBatches).keys()),
                    warm, total - warm);
            sparkNet.setScore(score);
            fit = numbered.filter(b -> b._2() >= warmupBatches).keys();
            master(sparkNet).beginEpoch(epoch, (total - warm) * batchSize);
        }
        if (total > warmupBatches) {
            sparkNet.fitMultiDataSet(fit);
        }
        double seconds = (System.nanoTime() - fitStart) / 1e9;
        data.unpersist(false);
        return seconds;
    }

    /**
     * The warm-up for any way of feeding data: {@code fit} hands the warm-up batches to the warm-up's
     * network ({@link Masters#warmupMaster}), which trains {@code net} itself. The step counter is then set to what N workers would have counted for
     * as many batches, so the learning-rate schedule (planned for N workers) stays on plan.
     */
    private double warmUp(ComputationGraph net, Consumer<SparkComputationGraph> fit, long warm, long rest) {
        int start = net.getConfiguration().getIterationCount();
        // one worker has nothing to average: no outer step, whatever scale-out says for N workers
        SparkComputationGraph single = new SparkComputationGraph(jsc, net, Masters.warmupMaster(settings, batches, workers));
        boolean local = jsc.master().startsWith("local") && settings.scaleOut().warmupWorkers(workers) == 1;
        if (local) { // the one task may use every core of this JVM meanwhile
            NativeSetup.limitThreads(Runtime.getRuntime().availableProcessors());
        }
        try {
            fit.accept(single);
        } finally {
            if (local) {
                NativeSetup.limitThreads(Masters.threadsPerTask(settings.train(), jsc));
            }
        }
        net.getConfiguration().setIterationCount(start + RoundPlan.warmupIterations(warm, rest, workers,
                settings.train().distribution().averagingFrequency()));
        return single.getScore();
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

    static EpochBatches cut(Settings settings, int batchSize, int size) {
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
