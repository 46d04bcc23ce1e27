package io.digitloc.train;

import io.digitloc.config.DataSettings;
import io.digitloc.config.DistributionSettings;
import io.digitloc.config.ScaleOutSettings;
import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.QuickScore;
import io.digitloc.core.RunLayout;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.DatasetManifest;
import io.digitloc.data.Split;
import io.digitloc.io.BuildInfo;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.platform.NativeSetup;
import io.digitloc.model.StockLayers;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The train stage: fits the {@link LocalizerNet} on the train split with dl4j-spark's
 * {@link SparkComputationGraph} and {@link ParameterAveragingTrainingMaster}.
 * <p>
 * Each epoch the train rows are shuffled within their partitions (seeded by seed and epoch) and
 * cut into mini-batches, which reach the workers either as compact {@link CanvasBatch} files
 * (approach {@code export}: raw bytes, 4x smaller than DL4J's own float export, read back with
 * {@link CanvasBatchLoader}) or as an RDD of MultiDataSets (approach {@code direct}). Adam's state is
 * averaged along with the parameters ({@code saveUpdater(true)}): without it every averaging round
 * would restart the workers' moment estimates from the driver's stale copy.
 * <p>
 * After each epoch: validation figures on the executors, a progress line, a checkpoint with updater
 * state, and the history. Everything is written into {@code .<model-dir>.inprogress} and renamed
 * to the model directory only when training has finished.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    /** What a finished run produced. */
    public record Result(String modelDir, TrainingMetadata metadata, List<EpochRecord> history,
                         ComputationGraph model) {
    }

    /** Checks made before Spark starts: the output policy. */
    public static void checkOutput(Settings settings, HadoopConf conf) {
        Path dir = new Path(settings.train().modelDir());
        if (HadoopFiles.exists(dir, conf) && settings.train().ifExists() == DataSettings.IfExists.FAIL) {
            throw new IllegalStateException(dir + " already exists; remove it or set digitloc.train.if-exists = replace "
                    + "(--if-exists replace) to replace it when the new model is finished");
        }
    }

    /**
     * How a run begins.
     *
     * @param resume         continue from the last checkpoint of an interrupted run of the same model dir
     * @param warmStartModel a model zip whose parameters initialise the network (null = fresh weights)
     */
    public record Start(boolean resume, String warmStartModel) {
        public static final Start FRESH = new Start(false, null);
    }

    public static Result run(SparkSession spark, Settings settings) {
        return run(spark, settings, Start.FRESH);
    }

    /** The hidden directory a run of {@code modelDir} is built in (and resumed from). */
    public static Path inProgressDir(Path modelDir) {
        return new Path(modelDir.getParent(), RunLayout.inProgressName(modelDir.getName()));
    }

    public static Result run(SparkSession spark, Settings settings, Start how) {
        long start = System.nanoTime();
        TrainSettings train = settings.train();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        checkOutput(settings, conf);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        CanvasDataset dataset = CanvasDataset.open(spark, settings.data().dir());
        DatasetManifest manifest = dataset.manifest();
        int size = manifest.canvasSize();
        Dataset<Row> trainRows = dataset.read(Split.TRAIN);
        Dataset<Row> validationRows = dataset.read(Split.VALIDATION);
        if (train.evalLimit() > 0) {
            validationRows = validationRows.orderBy("id").limit(train.evalLimit());
        }
        long trainCount = manifest.split(Split.TRAIN).count();
        long validationCount = Math.min(manifest.split(Split.VALIDATION).count(),
                train.evalLimit() > 0 ? train.evalLimit() : Long.MAX_VALUE);

        Path modelDir = new Path(train.modelDir());
        Path work = inProgressDir(modelDir);
        FileSystem fs = HadoopFiles.fs(work, conf);
        Path batches = train.distribution().exportDir().isBlank() ? new Path(work, RunLayout.BATCHES) : new Path(train.distribution().exportDir());

        int workers = jsc.defaultParallelism();
        int workerBatch = settings.scaleOut().workerBatch(train.batchSize(), workers);
        NativeSetup.limitThreads(threadsPerTask(train, jsc));
        long stepsPerEpoch = countedStepsPerEpoch(trainCount, workerBatch, workers, train.distribution().averagingFrequency());
        int lastDone = how.resume() ? lastCheckpoint(work, conf) : 0;
        ComputationGraph net;
        TrainingHistory history;
        Map<String, Double> initialFigures;
        if (lastDone > 0) {
            net = ModelStore.load(new Path(work, RunLayout.checkpoint(lastDone)), true, conf);
            if (train.network().fastLayers()) { // checkpoints hold DL4J's stock layers: train on the fast ones
                net = StockLayers.toFast(net);
            }
            LocalizerNet.requireFits(net, size, work.toString());
            history = TrainingHistory.load(work, conf, lastDone);
            initialFigures = readFigures(new Path(work, RunLayout.INITIAL_VALIDATION), conf);
            LOG.info("train: resuming {} after epoch {} of {}", work, lastDone, train.epochs());
        } else {
            if (how.resume()) {
                LOG.warn("train: nothing to resume in {}; starting from scratch", work);
            }
            try {
                fs.delete(work, true);
                fs.mkdirs(new Path(work, RunLayout.CHECKPOINTS));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + work + ": " + e.getMessage(), e);
            }
            net = LocalizerNet.untrained(size, train, settings.seed(), stepsPerEpoch);
            if (how.warmStartModel() != null) {
                ComputationGraph from = ModelStore.load(new Path(how.warmStartModel()), false, conf);
                LocalizerNet.requireFits(from, size, how.warmStartModel());
                net.setParams(from.params());
                LOG.info("train: warm start from {}", how.warmStartModel());
            }
            QuickScore initial = QuickEvaluation.score(jsc, net, validationRows, size, train.batchSize());
            LOG.info(String.format("before training: val loss %.4f, accuracy %.2f%%, mean IoU %.3f", initial.loss(train.network().boxLossWeight()),
                    100 * initial.accuracy(), initial.meanIou()));
            initialFigures = figures(initial, train.network().boxLossWeight());
            HadoopFiles.writeString(new Path(work, RunLayout.INITIAL_VALIDATION), Json.write(initialFigures), conf);
            history = new TrainingHistory();
        }
        ParameterAveragingMaster master = master(settings, batches, workers);
        if (lastDone > 0) {
            readOuterState(master.outer(), new Path(work, RunLayout.outerState(lastDone)), conf);
        }
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, master);
        var outer = master.outer().settings();
        LOG.info("train: {} canvases ({}x{}), {} epochs, batch {} per worker, {} workers, averaging every {} batches, {}, {}",
                trainCount, size, size, train.epochs(), workerBatch, workers, train.distribution().averagingFrequency(),
                outer.isPlainAveraging() ? "plain averaging" : String.format("outer step lr %.2f momentum %.2f%s",
                        outer.lr(), outer.momentum(), outer.nesterov() ? " (Nesterov)" : ""),
                train.distribution().approach().name().toLowerCase());

        for (int epoch = lastDone + 1; epoch <= train.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            master.beginEpoch(epoch, trainCount);
            // post-local SGD: the start of a fresh run's first epoch is fitted by one worker
            long warmupBatches = epoch == 1 && how.warmStartModel() == null
                    ? (settings.scaleOut().warmup(workers) + workerBatch - 1) / workerBatch : 0;
            double fitSeconds = fitEpoch(jsc, sparkNet, trainRows, settings, size, epoch, batches, conf, warmupBatches);
            net = sparkNet.getNetwork();
            double trainLoss = sparkNet.getScore();
            if (!Double.isFinite(trainLoss)) {
                throw diverged(epoch, "training loss", trainLoss, work);
            }
            QuickScore val = QuickEvaluation.score(jsc, net, validationRows, size, train.batchSize());
            double valLoss = val.loss(train.network().boxLossWeight());
            if (!Double.isFinite(valLoss)) {
                throw diverged(epoch, "validation loss", valLoss, work);
            }
            double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
            EpochRecord record = new EpochRecord(epoch, trainLoss, valLoss, val.accuracy(), val.meanIou(),
                    val.boxMse(), trainCount, fitSeconds, epochSeconds, trainCount / fitSeconds);
            history.add(record);
            // history first, then the checkpoint: a run killed in between resumes from the previous
            // checkpoint and redoes this epoch (history is cut back to the last checkpoint on resume)
            history.save(work, conf);
            // the outer optimiser's state before the checkpoint that names the epoch as done
            writeOuterState(master.outer(), new Path(work, RunLayout.outerState(epoch)), conf);
            ModelStore.save(net, new Path(work, RunLayout.checkpoint(epoch)), true, conf);
            double eta = epochSeconds * (train.epochs() - epoch);
            LOG.info(String.format("epoch %d/%d: train loss %.4f | val loss %.4f, accuracy %.2f%%, mean IoU %.3f | "
                            + "%.1f s, %.0f img/s, ETA %s", epoch, train.epochs(), trainLoss, valLoss,
                    100 * val.accuracy(), val.meanIou(), epochSeconds, record.imagesPerSecond(), duration(eta)));
        }

        net = sparkNet.getNetwork();
        ModelStore.save(net, new Path(work, RunLayout.MODEL), true, conf);
        EpochRecord last = history.epochs().get(history.epochs().size() - 1);
        double total = (System.nanoTime() - start) / 1e9;
        TrainingMetadata metadata = new TrainingMetadata(BuildInfo.version(), libraries(), Instant.now().toString(),
                jsc.master(), workers, net.numParams(), size, train.epochs(), trainCount, validationCount,
                initialFigures, finalFigures(last), total, meanImagesPerSecond(history), settings.rendered(), manifest);
        HadoopFiles.writeString(new Path(work, RunLayout.METADATA), Json.write(metadata), conf);
        try {
            HadoopFiles.deleteQuietly(fs, new Path(work, RunLayout.BATCHES));
            HadoopFiles.replace(fs, work, modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + modelDir + ": " + e.getMessage(), e);
        }
        LOG.info("train: model written to {} ({} s)", modelDir, Math.round(total));
        return new Result(modelDir.toString(), metadata, history.epochs(), net);
    }

    /**
     * Optimiser steps per epoch as DL4J counts them, which is what the learning-rate schedule sees:
     * parameter averaging cuts an epoch's mini-batches into floor(batches / (workers x frequency))
     * rounds (the remainder spread over them, so every batch is still fitted) and advances the network's
     * iteration counter by the averaging frequency per round. E.g. 938 batches, 1 worker, frequency 64:
     * 14 rounds, 896 counted steps for 938 fitted.
     */
    public static long countedStepsPerEpoch(long examples, int batchSize, int workers, int averagingFrequency) {
        return countedSteps((examples + batchSize - 1) / batchSize, workers, averagingFrequency);
    }

    /** The highest epoch with a checkpoint in {@code work}, 0 when there is none. */
    static int lastCheckpoint(Path work, HadoopConf conf) {
        int last = 0;
        for (var status : HadoopFiles.list(new Path(work, RunLayout.CHECKPOINTS), conf)) {
            last = Math.max(last, RunLayout.checkpointEpoch(status.getPath().getName()));
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> readFigures(Path file, HadoopConf conf) {
        if (!HadoopFiles.exists(file, conf)) {
            return Map.of();
        }
        return Json.read(HadoopFiles.readString(file, conf), LinkedHashMap.class, file.toString());
    }

    private static TrainingDivergedException diverged(int epoch, String what, double value, Path work) {
        return new TrainingDivergedException(what + " became " + value + " in epoch " + epoch
                + "; training stopped. Checkpoints of the earlier epochs are in " + new Path(work, RunLayout.CHECKPOINTS)
                + " (try a lower digitloc.train.learning-rate)");
    }

    /**
     * Post-local SGD's first phase: fits {@code paths} (batch files) with one Spark task, so one worker's
     * sequential steps carry the network off its initial plateau before N workers average. The step
     * counter is then set to what N workers would have counted for as many batches, so the learning-
     * rate schedule (planned for N workers) stays on plan. Modifies {@code net} in place.
     */
    public static double warmUp(JavaSparkContext jsc, ComputationGraph net, List<String> paths, long restOfEpoch,
                                Settings settings, Path batches, int workers) {
        return warmUp(jsc, net, single -> single.fitPaths(jsc.parallelize(paths, 1), new CanvasBatchLoader()),
                paths.size(), restOfEpoch, settings, batches, workers);
    }

    /**
     * The warm-up worker's mini-batch: the global batch (batch-size), as one worker of a one-worker run
     * steps (smaller batches would make the warm-up itself learn faster per sample and flatter E(N)).
     * dl4j-spark's workers merge consecutive loaded batches up to their batch size, so the N workers'
     * batch files of batch-size / N reach the one warm-up worker N at a time; a whole multiple of the
     * worker batch, so that no file is split.
     */
    static int warmupBatch(Settings settings, int workers) {
        int worker = workerBatch(settings, workers);
        return worker * Math.max(1, (int) Math.round(settings.train().batchSize() / (double) worker));
    }

    /** The warm-up for any way of feeding data: {@code fit} hands the warm-up batches to a one-worker net. */
    private static double warmUp(JavaSparkContext jsc, ComputationGraph net,
                                 java.util.function.Consumer<SparkComputationGraph> fit, long warmBatches,
                                 long restOfEpoch, Settings settings, Path batches, int workers) {
        int start = net.getConfiguration().getIterationCount();
        // one worker has nothing to average: no outer step, whatever scale-out says for N workers;
        // it trains `net` itself (SparkComputationGraph keeps the network it is given)
        SparkComputationGraph single = new SparkComputationGraph(jsc, net,
                master(settings, batches, 1, warmupBatch(settings, workers), new ScaleOutSettings.Outer(1, 0, false)));
        boolean local = jsc.master().startsWith("local");
        if (local) { // the one task may use every core of this JVM meanwhile
            NativeSetup.limitThreads(Runtime.getRuntime().availableProcessors());
        }
        try {
            fit.accept(single);
        } finally {
            if (local) {
                NativeSetup.limitThreads(threadsPerTask(settings.train(), jsc));
            }
        }
        net.getConfiguration().setIterationCount(start + warmupIterations(warmBatches, restOfEpoch, workers,
                settings.train().distribution().averagingFrequency()));
        return single.getScore();
    }

    /**
     * The iterations a warm-up of {@code warm} batches counts so that its epoch counts exactly what N
     * workers would have counted for the whole epoch (see {@link #countedStepsPerEpoch}): the epoch's
     * count less what DL4J counts for the {@code rest} the N workers fit after it.
     */
    static int warmupIterations(long warm, long rest, int workers, int averagingFrequency) {
        return (int) (countedSteps(warm + rest, workers, averagingFrequency) - countedSteps(rest, workers, averagingFrequency));
    }

    private static long countedSteps(long batches, int workers, int averagingFrequency) {
        return batches == 0 ? 0 : Math.max(1, batches / ((long) workers * averagingFrequency)) * averagingFrequency;
    }

    static void writeOuterState(OuterOptimizer outer, Path file, HadoopConf conf) {
        FileSystem fs = HadoopFiles.fs(file, conf);
        Path tmp = HadoopFiles.tempSibling(file);
        try {
            try (var out = new java.io.DataOutputStream(fs.create(tmp, false))) {
                outer.write(out);
            }
            HadoopFiles.renameOver(tmp, file, conf);
        } catch (IOException e) {
            HadoopFiles.deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Restores the outer optimiser's state; a checkpoint from before outer steps existed has none. */
    static void readOuterState(OuterOptimizer outer, Path file, HadoopConf conf) {
        if (!HadoopFiles.exists(file, conf)) {
            LOG.warn("train: no outer-optimiser state {}; its momentum starts from zero", file);
            return;
        }
        try (var in = new java.io.DataInputStream(HadoopFiles.open(file, conf))) {
            outer.read(in);
            LOG.info("train: outer-optimiser state restored from {}", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The training master every distributed fit uses (the train job and the benchmark). */
    public static ParameterAveragingTrainingMaster trainingMaster(Settings settings, Path batches, int workers) {
        return master(settings, batches, workers);
    }

    static ParameterAveragingMaster master(Settings settings, Path batches, int workers) {
        return master(settings, batches, workers, workerBatch(settings, workers), settings.scaleOut().resolve(workers));
    }

    /** The mini-batch each of {@code workers} workers fits (the batch files are cut to it). */
    public static int workerBatch(Settings settings, int workers) {
        return settings.scaleOut().workerBatch(settings.train().batchSize(), workers);
    }

    /**
     * @param workers Spark tasks fitting at once
     * @param batch   each task's mini-batch (dl4j-spark's workers merge or split loaded batches to it)
     */
    private static ParameterAveragingMaster master(Settings settings, Path batches, int workers, int batch,
                                                   ScaleOutSettings.Outer outer) {
        TrainSettings t = settings.train();
        // numWorkers given explicitly: DL4J M2's path-based fit of a ComputationGraph otherwise asks a null
        // SparkDl4jMultiLayer for it (NullPointerException in executeTrainingPathsHelper).
        return new ParameterAveragingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(t.distribution().averagingFrequency())
                .workerPrefetchNumBatches(t.distribution().prefetch())
                .saveUpdater(true)
                .rddTrainingApproach(t.distribution().approach() == DistributionSettings.Approach.DIRECT
                        ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export)
                .exportDirectory(new Path(batches, "dl4j").toString())
                .storageLevel(storageLevel(t.distribution().storageLevel()))
                .storageLevelStreams(storageLevel(t.distribution().storageLevel()))
                .repartionData(Repartition.Always)
                .rngSeed(settings.seed())
                .collectTrainingStats(false), new OuterOptimizer(outer));
    }

    private static StorageLevel storageLevel(String name) {
        return StorageLevel.fromString(name);
    }

    /** One pass over the train split; returns the seconds spent in the distributed fit itself. */
    private static double fitEpoch(JavaSparkContext jsc, SparkComputationGraph sparkNet, Dataset<Row> rows,
                                   Settings settings, int size, int epoch, Path batches, HadoopConf conf,
                                   long warmupBatches) {
        int workers = jsc.defaultParallelism();
        TrainSettings t = settings.train();
        long seed = settings.seed();
        int batchSize = workerBatch(settings, workers);
        boolean augment = t.augmentation().enabled();
        DigitWarp warp = new DigitWarp(t.augmentation().rotation(), t.augmentation().scale());
        if (t.distribution().approach() == DistributionSettings.Approach.DIRECT) {
            JavaRDD<MultiDataSet> data = rows.javaRDD()
                    .mapPartitionsWithIndex((index, it) -> batchesOf(it, seed, epoch, index, batchSize, size, augment, warp)
                            .stream().map(CanvasBatch::toMultiDataSet).iterator(), true)
                    .persist(storageLevel(t.distribution().storageLevel()));
            long total = data.count();
            long fitStart = System.nanoTime();
            JavaRDD<MultiDataSet> fit = data;
            if (warmupBatches > 0) {
                var numbered = data.zipWithIndex();
                long warm = Math.min(total, warmupBatches);
                double score = warmUp(jsc, sparkNet.getNetwork(),
                        single -> single.fitMultiDataSet(numbered.filter(b -> b._2() < warmupBatches).keys()),
                        warm, total - warm, settings, batches, workers);
                sparkNet.setScore(score); // the epoch's training loss if the warm-up took all of it
                fit = numbered.filter(b -> b._2() >= warmupBatches).keys();
                restartProgress(sparkNet, epoch, (total - warm) * batchSize);
            }
            if (total > warmupBatches) { // a warm-up may take the whole of a small first epoch
                sparkNet.fitMultiDataSet(fit);
            }
            double seconds = (System.nanoTime() - fitStart) / 1e9;
            data.unpersist(false);
            return seconds;
        }
        Path epochDir = new Path(batches, "epoch-" + epoch);
        List<String> paths = exportEpoch(rows, settings, batchSize, size, epoch, epochDir, conf);
        long fitStart = System.nanoTime();
        if (warmupBatches > 0) {
            List<String> shuffled = new ArrayList<>(paths);
            Collections.shuffle(shuffled, new Random(settings.seed() * 31 + epoch));
            int cut = (int) Math.min(shuffled.size(), warmupBatches);
            LOG.info("train: one worker fits the first {} batches (scale-out warm-up), then {} workers", cut, workers);
            double score = warmUp(jsc, sparkNet.getNetwork(), shuffled.subList(0, cut), shuffled.size() - cut, settings,
                    batches, workers);
            paths = shuffled.subList(cut, shuffled.size());
            sparkNet.setScore(score); // the epoch's training loss if the warm-up took all of it
            restartProgress(sparkNet, epoch, (long) paths.size() * batchSize);
        }
        if (!paths.isEmpty()) { // a warm-up may take the whole of a small first epoch
            sparkNet.fitPaths(jsc.parallelize(paths, Math.max(1, jsc.defaultParallelism())), new CanvasBatchLoader());
        }
        double seconds = (System.nanoTime() - fitStart) / 1e9;
        HadoopFiles.deleteQuietly(HadoopFiles.fs(epochDir, conf), epochDir);
        return seconds;
    }

    /** Progress lines of the rest of an epoch count from the end of its warm-up, not from the epoch's start. */
    private static void restartProgress(SparkComputationGraph sparkNet, int epoch, long examples) {
        if (sparkNet.getTrainingMaster() instanceof ParameterAveragingMaster m) {
            m.beginEpoch(epoch, examples);
        }
    }

    /**
     * Writes one epoch's mini-batches of {@code batchSize} (shuffled, re-placed when augmenting) as batch
     * files under {@code epochDir}, on the executors; returns their paths, partition by partition.
     */
    public static List<String> exportEpoch(Dataset<Row> rows, Settings settings, int batchSize, int size, int epoch,
                                           Path epochDir, HadoopConf conf) {
        TrainSettings t = settings.train();
        long seed = settings.seed();
        boolean augment = t.augmentation().enabled();
        DigitWarp warp = new DigitWarp(t.augmentation().rotation(), t.augmentation().scale());
        return rows.javaRDD()
                .mapPartitionsWithIndex((index, it) -> writeBatches(batchesOf(it, seed, epoch, index, batchSize, size,
                        augment, warp), epochDir, index, conf).iterator(), true)
                .collect();
    }

    /** A partition's rows, shuffled by (seed, epoch, partition), cut into mini-batches. */
    static List<CanvasBatch> batchesOf(Iterator<Row> it, long seed, int epoch, int partition, int batchSize, int size,
                                       boolean augment, DigitWarp warp) {
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        Collections.shuffle(rows, new Random(seed * 1_000_003L + epoch * 7_919L + partition));
        List<CanvasBatch> out = new ArrayList<>();
        FreshPlacement moves = augment && epoch > 1 ? new FreshPlacement(size, seed, epoch, warp) : null;
        for (int from = 0; from < rows.size(); from += batchSize) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + batchSize));
            CanvasBatch b = CanvasRows.batch(chunk, size);
            out.add(moves == null ? b : moves.apply(b, CanvasRows.ids(chunk)));
        }
        return out;
    }

    /** Writes batches as files under {@code dir} and returns their paths (what fitPaths reads). */
    public static List<String> writeBatches(List<CanvasBatch> batches, Path dir, int partition, HadoopConf conf) {
        List<String> paths = new ArrayList<>(batches.size());
        FileSystem fs = HadoopFiles.fs(dir, conf);
        for (int b = 0; b < batches.size(); b++) {
            Path p = new Path(dir, String.format("part-%05d-%05d.bin", partition, b));
            try (FSDataOutputStream out = fs.create(p, true)) {
                batches.get(b).writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write training batch " + p + ": " + e.getMessage(), e);
            }
            paths.add(p.toString());
        }
        return paths;
    }

    /** Threads per task: the setting, or the cores of this JVM shared by the tasks it runs at once. */
    static int threadsPerTask(TrainSettings t, JavaSparkContext jsc) {
        if (t.distribution().threadsPerTask() > 0) {
            return t.distribution().threadsPerTask();
        }
        if (jsc.master().startsWith("local")) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, jsc.defaultParallelism()));
        }
        return 0; // cluster executors: set by conf/spark-defaults (OMP_NUM_THREADS = executor cores)
    }

    private static Map<String, Double> figures(QuickScore s, double boxLossWeight) {
        return figures(s.loss(boxLossWeight), s.accuracy(), s.meanIou(), s.boxMse());
    }

    private static Map<String, Double> finalFigures(EpochRecord last) {
        return figures(last.valLoss(), last.valAccuracy(), last.valMeanIou(), last.valBoxMse());
    }

    private static Map<String, Double> figures(double loss, double accuracy, double meanIou, double boxMse) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        m.put("mean_iou", meanIou);
        m.put("box_mse", boxMse);
        return m;
    }

    private static double meanImagesPerSecond(TrainingHistory h) {
        double examples = 0;
        double seconds = 0;
        for (EpochRecord r : h.epochs()) {
            examples += r.examples();
            seconds += r.fitSeconds();
        }
        return seconds == 0 ? 0 : examples / seconds;
    }

    private static Map<String, String> libraries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spark", BuildInfo.get("spark"));
        m.put("dl4j", BuildInfo.get("dl4j"));
        m.put("dl4j-spark", BuildInfo.get("dl4j-spark"));
        m.put("nd4j-backend", BuildInfo.get("nd4j-backend"));
        m.put("javacpp-platform-extension", System.getProperty(NativeSetup.PLATFORM_EXTENSION, ""));
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
