package io.digitloc.train;

import io.digitloc.config.TrainSettings;
import io.digitloc.core.QuickScore;
import io.digitloc.core.RunLayout;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.model.LocalizerNet;
import io.digitloc.model.ModelStore;
import io.digitloc.model.StockLayers;
import io.digitloc.run.RunDirectory;
import io.digitloc.run.TrainingHistory;
import io.digitloc.run.ValidationFigures;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/** How a run begins: resumed from its last checkpoint, or a fresh (or warm-started) network scored once. */
final class Beginning {
    private static final Logger LOG = LoggerFactory.getLogger(Beginning.class);

    private Beginning() {
    }

    /** Where the epoch loop starts: a checkpoint's network and history, or a fresh (or warm-started) network. */
    record Begin(ComputationGraph net, TrainingHistory history, ValidationFigures initialFigures, int lastDone) {
    }

    static Begin begin(TrainRun run, TrainingSession.Plan plan) {
        TrainSettings train = run.settings().train();
        Path work = run.work();
        HadoopConf conf = run.conf();
        int lastDone = run.start().resume() ? RunDirectory.lastCheckpoint(work, conf) : 0;
        if (lastDone > 0) {
            ComputationGraph net = ModelStore.load(new Path(work, RunLayout.checkpoint(lastDone)), true, conf);
            if (train.network().fastLayers()) { // checkpoints hold DL4J's stock layers: train on the fast ones
                net = StockLayers.toFast(net);
            }
            LocalizerNet.requireFits(net, run.size(), work.toString());
            LOG.info("train: resuming {} after epoch {} of {}", work, lastDone, train.epochs());
            return new Begin(net, TrainingHistory.load(work, conf, lastDone), RunDirectory.readFigures(work, conf), lastDone);
        }
        if (run.start().resume()) {
            LOG.warn("train: nothing to resume in {}; starting from scratch", work);
        }
        FileSystem fs = HadoopFiles.fs(work, conf);
        try {
            fs.delete(work, true);
            fs.mkdirs(new Path(work, RunLayout.CHECKPOINTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + work + ": " + e.getMessage(), e);
        }
        ComputationGraph net = LocalizerNet.untrained(run.size(), train, run.settings().seed(), plan.steps());
        String warm = run.start().warmStartModel();
        if (warm != null) {
            ComputationGraph from = ModelStore.load(new Path(warm), false, conf);
            LocalizerNet.requireFits(from, run.size(), warm);
            net.setParams(from.params());
            LOG.info("train: warm start from {}", warm);
        }
        QuickScore initial = QuickEvaluation.score(run.jsc(), net, run.validation(), run.size(), train.batchSize());
        LOG.info(String.format("before training: val loss %.4f, accuracy %.2f%%, mean IoU %.3f",
                initial.loss(train.network().boxLossWeight()), 100 * initial.accuracy(), initial.meanIou()));
        ValidationFigures figures = ValidationFigures.of(initial, train.network().boxLossWeight());
        RunDirectory.writeFigures(work, figures, conf);
        return new Begin(net, new TrainingHistory(), figures, 0);
    }
}
