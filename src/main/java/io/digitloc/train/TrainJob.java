package io.digitloc.train;

import io.digitloc.engine.Masters;
import io.digitloc.engine.ParameterAveragingMaster;
import io.digitloc.config.DataSettings;
import io.digitloc.config.Settings;
import io.digitloc.config.TrainSettings;
import io.digitloc.core.Durations;
import io.digitloc.core.EarlyStopping;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.QuickScore;
import io.digitloc.core.RunLayout;
import io.digitloc.data.CanvasDataset;
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
import io.digitloc.rounds.RoundPhases;
import io.digitloc.rounds.RoundPlan;
import io.digitloc.spark.SparkSessions;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train stage: fits the {@link LocalizerNet} on the train split with dl4j-spark's
 * {@link SparkComputationGraph} and the project's {@link ParameterAveragingMaster}. It begins a run
 * (fresh, warm start, or resumed from the last checkpoint), then loops over epochs: the {@link EpochFeed}
 * fits one pass, the validation figures come from the executors, and the history, the outer optimiser's
 * state and a checkpoint with updater state are saved. Adam's state is averaged with the parameters:
 * without it every round would restart the workers' moment estimates from a stale copy. Everything is
 * written into {@code .<model-dir>.inprogress} and renamed to the model directory only at the end.
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

    public static Result run(SparkSession spark, Settings settings, Start start) {
        long t0 = System.nanoTime();
        TrainSettings train = settings.train();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        checkOutput(settings, conf);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CanvasDataset dataset = CanvasDataset.open(spark, settings.data().dir());
        DatasetManifest manifest = dataset.manifest();
        int size = manifest.canvasSize();
        Dataset<Row> trainRows = dataset.read(Split.TRAIN); // checks the schema before anything is written
        Dataset<Row> validationRows = dataset.read(Split.VALIDATION);
        if (train.evalLimit() > 0) {
            validationRows = validationRows.orderBy("id").limit(train.evalLimit());
        }
        long trainCount = manifest.split(Split.TRAIN).count();
        long validationCount = Math.min(manifest.split(Split.VALIDATION).count(),
                train.evalLimit() > 0 ? train.evalLimit() : Long.MAX_VALUE);

        Path modelDir = new Path(train.modelDir());
        Path work = RunDirectory.inProgress(modelDir);
        Path batches = train.distribution().exportDir().isBlank() ? new Path(work, RunLayout.BATCHES)
                : new Path(train.distribution().exportDir());
        int workers = SparkSessions.workers(jsc);
        NativeSetup.limitThreads(Masters.threadsPerTask(train, jsc));
        long stepsPerEpoch = RoundPlan.countedStepsPerEpoch(trainCount, Masters.workerBatch(settings, workers), workers,
                train.distribution().averagingFrequency());
        Begin begin = begin(jsc, settings, start, work, conf, size, stepsPerEpoch, validationRows);
        ParameterAveragingMaster master = Masters.master(settings, batches, workers);
        if (begin.lastDone() > 0) {
            RunDirectory.readOuterState(master.outer(), work, begin.lastDone(), conf);
        }
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, begin.net(), master);
        EpochFeed feed = new EpochFeed(jsc, trainRows, settings, size, batches, conf, workers);
        logStart(settings, trainCount, size, workers, master);

        TrainingHistory history = begin.history();
        try (RunMonitor monitor = new RunMonitor(settings, work, modelDir, conf, history, validationRows, size)) {
            master.onProgress(monitor.progress(sparkNet.getNetwork()));
            for (int epoch = begin.lastDone() + 1; epoch <= train.epochs() && !monitor.stopping().shouldStop(); epoch++) {
                long epochStart = System.nanoTime();
                master.beginEpoch(epoch, trainCount);
                RoundPhases before = master.phases().copy();
                double fitSeconds = feed.fit(sparkNet, epoch, feed.warmupBatches(epoch, start.warmStartModel() != null));
                ComputationGraph net = sparkNet.getNetwork();
                double trainLoss = requireFinite(sparkNet.getScore(), epoch, "training loss", work);
                QuickScore val = QuickEvaluation.score(jsc, net, validationRows, size, train.batchSize());
                double valLoss = requireFinite(val.loss(train.network().boxLossWeight()), epoch, "validation loss", work);
                double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
                EpochRecord record = new EpochRecord(epoch, trainLoss, valLoss, val.accuracy(), val.meanIou(),
                        val.boxMse(), val.shareFound(), trainCount, fitSeconds, epochSeconds, trainCount / fitSeconds);
                history.add(record);
                // history first, then the checkpoint: a run killed in between resumes from the previous
                // checkpoint and redoes this epoch (history is cut back to the last checkpoint on resume);
                // the outer optimiser's state before the checkpoint that names the epoch as done
                history.save(work, conf);
                RunDirectory.writeOuterState(master.outer(), work, epoch, conf);
                ModelStore.save(net, new Path(work, RunLayout.checkpoint(epoch)), true, conf);
                monitor.epoch(history, record, net); // logs the verdict; the loop's condition reads the policy
                LOG.info(String.format("epoch %d/%d: train loss %.4f | val loss %.4f, accuracy %.2f%%, mean IoU %.3f | "
                                + "%.1f s, %.0f img/s, ETA %s", epoch, train.epochs(), trainLoss, valLoss,
                        100 * val.accuracy(), val.meanIou(), epochSeconds, record.imagesPerSecond(),
                        Durations.format(epochSeconds * (train.epochs() - epoch))));
                LOG.info("epoch {} rounds: {}", epoch, master.phases().since(before).summary());
            }
            return finish(jsc, settings, begin, history, monitor.stopping(), work, modelDir, conf, workers, size, trainCount,
                    validationCount, manifest, sparkNet.getNetwork(), t0);
        } finally {
            master.release();
        }
    }

    /**
     * Publishes the run: the model kept (the best epoch's checkpoint with early stopping on, else the last
     * network) as model.zip, then metadata.json, then the rename of the whole directory.
     */
    private static Result finish(JavaSparkContext jsc, Settings settings, Begin begin, TrainingHistory history,
                                 EarlyStopping stopping, Path work, Path modelDir, HadoopConf conf, int workers, int size,
                                 long trainCount, long validationCount, DatasetManifest manifest, ComputationGraph lastNet,
                                 long t0) {
        TrainSettings train = settings.train();
        List<EpochRecord> epochs = history.epochs();
        EpochRecord lastRecord = epochs.get(epochs.size() - 1);
        int bestEpoch = stopping.enabled() && stopping.bestEpoch() > 0 ? stopping.bestEpoch() : lastRecord.epoch();
        EpochRecord kept = epochs.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(lastRecord);
        ComputationGraph net = bestEpoch == lastRecord.epoch() && lastNet != null ? lastNet
                : ModelStore.load(new Path(work, RunLayout.checkpoint(bestEpoch)), true, conf);
        ModelStore.save(net, new Path(work, RunLayout.MODEL), true, conf);
        String reason = stopping.enabled() ? stopping.outcome(train.epochs()) : "all planned epochs trained";
        double total = (System.nanoTime() - t0) / 1e9;
        TrainingMetadata metadata = new TrainingMetadata(
                new TrainingMetadata.Provenance(BuildInfo.version(), libraries(), Instant.now().toString()),
                new TrainingMetadata.Shape(jsc.master(), workers, net.numParams(), size, trainCount, validationCount),
                new TrainingMetadata.Outcome(train.epochs(), lastRecord.epoch(), bestEpoch, reason, total,
                        meanImagesPerSecond(history)),
                begin.initialFigures(), ValidationFigures.of(kept), settings.rendered(), manifest);
        HadoopFiles.writeString(new Path(work, RunLayout.METADATA), Json.write(metadata), conf);
        FileSystem fs = HadoopFiles.fs(work, conf);
        try {
            HadoopFiles.deleteQuietly(fs, new Path(work, RunLayout.BATCHES));
            HadoopFiles.replace(fs, work, modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + modelDir + ": " + e.getMessage(), e);
        }
        LOG.info("train: {}; model of epoch {} written to {} ({} s)", reason, bestEpoch, modelDir, Math.round(total));
        return new Result(modelDir.toString(), metadata, epochs, net);
    }

    /** Where the epoch loop starts: a checkpoint's network and history, or a fresh (or warm-started) network. */
    private record Begin(ComputationGraph net, TrainingHistory history, ValidationFigures initialFigures, int lastDone) {
    }

    private static Begin begin(JavaSparkContext jsc, Settings settings, Start start, Path work, HadoopConf conf, int size,
                               long stepsPerEpoch, Dataset<Row> validationRows) {
        TrainSettings train = settings.train();
        int lastDone = start.resume() ? RunDirectory.lastCheckpoint(work, conf) : 0;
        if (lastDone > 0) {
            ComputationGraph net = ModelStore.load(new Path(work, RunLayout.checkpoint(lastDone)), true, conf);
            if (train.network().fastLayers()) { // checkpoints hold DL4J's stock layers: train on the fast ones
                net = StockLayers.toFast(net);
            }
            LocalizerNet.requireFits(net, size, work.toString());
            LOG.info("train: resuming {} after epoch {} of {}", work, lastDone, train.epochs());
            return new Begin(net, TrainingHistory.load(work, conf, lastDone), RunDirectory.readFigures(work, conf), lastDone);
        }
        if (start.resume()) {
            LOG.warn("train: nothing to resume in {}; starting from scratch", work);
        }
        FileSystem fs = HadoopFiles.fs(work, conf);
        try {
            fs.delete(work, true);
            fs.mkdirs(new Path(work, RunLayout.CHECKPOINTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + work + ": " + e.getMessage(), e);
        }
        ComputationGraph net = LocalizerNet.untrained(size, train, settings.seed(), stepsPerEpoch);
        if (start.warmStartModel() != null) {
            ComputationGraph from = ModelStore.load(new Path(start.warmStartModel()), false, conf);
            LocalizerNet.requireFits(from, size, start.warmStartModel());
            net.setParams(from.params());
            LOG.info("train: warm start from {}", start.warmStartModel());
        }
        QuickScore initial = QuickEvaluation.score(jsc, net, validationRows, size, train.batchSize());
        LOG.info(String.format("before training: val loss %.4f, accuracy %.2f%%, mean IoU %.3f",
                initial.loss(train.network().boxLossWeight()), 100 * initial.accuracy(), initial.meanIou()));
        ValidationFigures figures = ValidationFigures.of(initial, train.network().boxLossWeight());
        RunDirectory.writeFigures(work, figures, conf);
        return new Begin(net, new TrainingHistory(), figures, 0);
    }

    private static void logStart(Settings settings, long trainCount, int size, int workers, ParameterAveragingMaster master) {
        TrainSettings train = settings.train();
        var outer = master.outer().settings();
        LOG.info("train: {} canvases ({}x{}), {} epochs, batch {} per worker, {} workers, averaging every {} batches, {}, {}",
                trainCount, size, size, train.epochs(), Masters.workerBatch(settings, workers), workers,
                train.distribution().averagingFrequency(),
                outer.isPlainAveraging() ? "plain averaging" : String.format("outer step lr %.2f momentum %.2f%s",
                        outer.lr(), outer.momentum(), outer.nesterov() ? " (Nesterov)" : ""),
                train.distribution().approach().name().toLowerCase());
    }

    private static double requireFinite(double value, int epoch, String what, Path work) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(what + " became " + value + " in epoch " + epoch
                    + "; training stopped. Checkpoints of the earlier epochs are in " + new Path(work, RunLayout.CHECKPOINTS)
                    + " (try a lower digitloc.train.learning-rate)");
        }
        return value;
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
}
