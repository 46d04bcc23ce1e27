package io.digitloc.train;

import io.digitloc.run.RunDirectory;
import io.digitloc.run.ValidationFigures;
import io.digitloc.run.TrainingMetadata;
import io.digitloc.run.TrainingHistory;
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

    public static Result run(SparkSession spark, Settings settings) {
        return run(spark, settings, Start.FRESH);
    }

    public static Result run(SparkSession spark, Settings settings, Start start) {
        long t0 = System.nanoTime();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        checkOutput(settings, conf);
        CanvasDataset dataset = CanvasDataset.open(spark, settings.data().dir());
        Dataset<Row> trainRows = dataset.read(Split.TRAIN); // checks the schema before anything is written
        TrainRun run = TrainRun.of(spark, settings, start, dataset, conf, t0);
        try {
            return run(run, trainRows);
        } finally {
            run.release();
        }
    }

    private static Result run(TrainRun run, Dataset<Row> trainRows) {
        Settings settings = run.settings();
        TrainingSession.Plan plan = TrainingSession.plan(run.jsc(), settings, run.trainCount(),
                SparkSessions.workers(run.jsc()));
        Beginning.Begin begin = Beginning.begin(run, plan);
        var data = new TrainingData(trainRows, run.trainCount(), run.size(), batches(settings.train(), run.work()),
                run.conf());
        try (TrainingSession session = TrainingSession.open(run.jsc(), settings, data, plan, begin.net())) {
            if (begin.lastDone() > 0) {
                RunDirectory.readOuterState(session.master().outer(), run.work(), begin.lastDone(), run.conf());
                resumeAverage(session, run, begin.lastDone());
            }
            logStart(settings, run.trainCount(), plan, session.master());
            return epochs(run, session, begin);
        }
    }

    /** A resumed run's moving average: its last averaged checkpoint, or (none saved) the resumed network. */
    private static void resumeAverage(TrainingSession session, TrainRun run, int lastDone) {
        if (!session.averagesWeights()) {
            return;
        }
        Path saved = new Path(run.work(), RunLayout.averagedCheckpoint(lastDone));
        session.resumeAverage(HadoopFiles.exists(saved, run.conf()) ? ModelStore.load(saved, false, run.conf())
                : session.network());
    }

    private static Path batches(TrainSettings train, Path work) {
        return train.distribution().exportDir().isBlank() ? new Path(work, RunLayout.BATCHES)
                : new Path(train.distribution().exportDir());
    }

    /** The epoch loop, until the planned epochs or early stopping; then the run is published. */
    private static Result epochs(TrainRun run, TrainingSession session, Beginning.Begin begin) {
        TrainingHistory history = begin.history();
        EarlyStopping stopping;
        try (RunMonitor monitor = new RunMonitor(run.settings(), run.work(), run.modelDir(), run.conf(), history,
                run.validation(), run.size())) {
            session.master().onProgress(monitor.progress(session.network()));
            int epochs = run.settings().train().epochs();
            for (int epoch = begin.lastDone() + 1; epoch <= epochs && !monitor.stopping().shouldStop(); epoch++) {
                epoch(run, session, monitor, history, epoch);
            }
            stopping = monitor.stopping();
        }
        // the monitor (its TensorBoard file) is closed before the run is published: on an object store a
        // file is written only when closed, and it would land in the renamed-away work directory
        return finish(run, session.plan().workers(), begin, history, stopping, session.kept());
    }

    /**
     * One epoch: the fit, the validation figures from the executors, then the history, the outer optimiser's
     * state and a checkpoint with updater state.
     */
    private static void epoch(TrainRun run, TrainingSession session, RunMonitor monitor, TrainingHistory history, int epoch) {
        TrainSettings train = run.settings().train();
        long epochStart = System.nanoTime();
        ParameterAveragingMaster master = session.master();
        master.beginEpoch(epoch, run.trainCount());
        monitor.beginEpoch(epoch);
        RoundPhases before = master.phases().copy();
        EpochFeed feed = session.feed();
        double fitSeconds = feed.fit(session.sparkNet(), epoch);
        ComputationGraph net = session.network();
        ComputationGraph kept = session.kept(); // the weights' moving average, or net itself
        double trainLoss = requireFinite(session.sparkNet().getScore(), epoch, "training loss", run.work());
        QuickScore val = QuickEvaluation.score(run.jsc(), kept, run.validation(), run.size(), train.batchSize());
        double valLoss = requireFinite(val.loss(train.network().boxLossWeight()), epoch, "validation loss", run.work());
        double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
        EpochRecord record = new EpochRecord(epoch, trainLoss, valLoss, val.accuracy(), val.meanIou(), val.boxMse(),
                val.shareFound(), run.trainCount(), fitSeconds, epochSeconds, run.trainCount() / fitSeconds);
        history.add(record);
        // history first, then the checkpoint: a run killed in between resumes from the previous
        // checkpoint and redoes this epoch (history is cut back to the last checkpoint on resume);
        // the outer optimiser's state before the checkpoint that names the epoch as done
        history.save(run.work(), run.conf());
        RunDirectory.writeOuterState(master.outer(), run.work(), epoch, run.conf());
        if (kept != net) { // before the checkpoint that names the epoch as done, as the outer state
            ModelStore.save(kept, new Path(run.work(), RunLayout.averagedCheckpoint(epoch)), true, run.conf());
        }
        ModelStore.save(net, new Path(run.work(), RunLayout.checkpoint(epoch)), true, run.conf());
        monitor.epoch(history, record, kept); // logs the verdict; the loop's condition reads the policy
        LOG.info(String.format("epoch %d/%d: train loss %.4f | val loss %.4f, accuracy %.2f%%, mean IoU %.3f | "
                        + "%.1f s, %.0f img/s, ETA %s", epoch, train.epochs(), trainLoss, valLoss,
                100 * val.accuracy(), val.meanIou(), epochSeconds, record.imagesPerSecond(),
                Durations.format(epochSeconds * (train.epochs() - epoch))));
        RoundPhases.Summary rounds = master.phases().since(before).summary();
        monitor.rounds(rounds);
        LOG.info("epoch {} rounds: {}", epoch, rounds);
    }

    /**
     * Publishes the run: the model kept (the best epoch's checkpoint with early stopping on, else the last
     * network) as model.zip, then the rename of the whole directory, then metadata.json, which marks it complete.
     */
    private static Result finish(TrainRun run, int workers, Beginning.Begin begin, TrainingHistory history, EarlyStopping stopping,
                                 ComputationGraph lastNet) {
        TrainSettings train = run.settings().train();
        List<EpochRecord> epochs = history.epochs();
        EpochRecord lastRecord = epochs.get(epochs.size() - 1);
        int bestEpoch = stopping.enabled() && stopping.bestEpoch() > 0 ? stopping.bestEpoch() : lastRecord.epoch();
        EpochRecord kept = epochs.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(lastRecord);
        ComputationGraph net = bestEpoch == lastRecord.epoch() && lastNet != null ? lastNet
                : ModelStore.load(new Path(run.work(), keptCheckpoint(run.work(), bestEpoch, run.conf())), true, run.conf());
        ModelStore.save(net, new Path(run.work(), RunLayout.MODEL), true, run.conf());
        String reason = stopping.enabled() ? stopping.outcome(train.epochs()) : "all planned epochs trained";
        double total = (System.nanoTime() - run.t0()) / 1e9;
        TrainingMetadata metadata = new TrainingMetadata(
                new TrainingMetadata.Provenance(BuildInfo.version(), libraries(), Instant.now().toString()),
                new TrainingMetadata.Shape(run.jsc().master(), workers, net.numParams(), run.size(), run.trainCount(),
                        run.validationCount()),
                new TrainingMetadata.Outcome(train.epochs(), lastRecord.epoch(), bestEpoch, reason, total,
                        history.imagesPerSecond()),
                begin.initialFigures(), ValidationFigures.of(kept), run.settings().rendered(), run.manifest());
        FileSystem fs = HadoopFiles.fs(run.work(), run.conf());
        try {
            HadoopFiles.deleteQuietly(fs, new Path(run.work(), RunLayout.BATCHES));
            HadoopFiles.publishMarked(fs, run.work(), run.modelDir(), true,
                    new HadoopFiles.Marker(RunLayout.METADATA, Json.write(metadata)), run.conf());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + run.modelDir() + ": " + e.getMessage(), e);
        }
        LOG.info("train: {}; model of epoch {} written to {} ({} s)", reason, bestEpoch, run.modelDir(), Math.round(total));
        return new Result(run.modelDir().toString(), metadata, epochs, net);
    }

    /** The checkpoint of the model an epoch validated: its moving average's when one was saved. */
    private static String keptCheckpoint(Path work, int epoch, HadoopConf conf) {
        String averaged = RunLayout.averagedCheckpoint(epoch);
        return HadoopFiles.exists(new Path(work, averaged), conf) ? averaged : RunLayout.checkpoint(epoch);
    }

    private static void logStart(Settings settings, long trainCount, TrainingSession.Plan plan,
                                 ParameterAveragingMaster master) {
        TrainSettings train = settings.train();
        var outer = master.outer().settings();
        LOG.info("train: {} canvases, {} epochs, {} workers, {} (rate x sqrt of its growth), averaging every {} batches, {}, {} ({})",
                trainCount, train.epochs(), plan.workers(), plan.schedule().describe(),
                train.distribution().averagingFrequency(),
                outer.isPlainAveraging() ? "plain averaging" : String.format("outer step lr %.2f momentum %.2f%s",
                        outer.lr(), outer.momentum(), outer.nesterov() ? " (Nesterov)" : ""),
                train.distribution().approach().name().toLowerCase(), engine(train));
    }

    private static String engine(TrainSettings train) {
        var d = train.distribution();
        if (d.approach() == io.digitloc.config.DistributionSettings.Approach.DIRECT) {
            return "dl4j-spark's round jobs"; // an RDD of MultiDataSets: DL4J's own rounds, mended
        }
        return "barrier stage";
    }

    private static double requireFinite(double value, int epoch, String what, Path work) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(what + " became " + value + " in epoch " + epoch
                    + "; training stopped. Checkpoints of the earlier epochs are in " + new Path(work, RunLayout.CHECKPOINTS)
                    + " (try a lower digitloc.train.learning-rate)");
        }
        return value;
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
