package io.digitloc.train;

import io.digitloc.monitor.LiveFigures;
import io.digitloc.monitor.LiveFigures.Figure;
import io.digitloc.rounds.RoundPhases;
import io.digitloc.run.TrainingHistory;
import io.digitloc.engine.Masters;
import io.digitloc.engine.ParameterAveragingMaster;
import io.digitloc.config.Settings;
import io.digitloc.core.EarlyStopping;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.Located;
import io.digitloc.core.Prediction;
import io.digitloc.core.Predictor;
import io.digitloc.io.HadoopConf;
import io.digitloc.monitor.TrainingBoard;
import io.digitloc.report.PredictionGrid;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a user watches and what decides when a run ends: the TensorBoard event files (training loss,
 * learning rate and img/s every few seconds; the validation figures, a prediction grid each epoch; the
 * settings once) and the early-stopping policy over the validation figures, replayed from the history
 * on {@code --resume}. Steps are global sample counts.
 */
final class RunMonitor implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RunMonitor.class);
    private static final int GRID_CANVASES = 20;

    private final TrainingBoard board;
    private final EarlyStopping stopping;
    private final List<Long> gridIds = new ArrayList<>();
    private final List<byte[]> gridPixels = new ArrayList<>();
    private final List<float[]> gridBoxes = new ArrayList<>();
    private final List<Integer> gridLabels = new ArrayList<>();
    private final int size;
    private final LiveFigures live = LiveFigures.driver();
    private long samplesBefore;

    RunMonitor(Settings settings, Path work, Path modelDir, HadoopConf conf, TrainingHistory history,
               Dataset<Row> validation, int size) {
        this.size = size;
        this.board = TrainingBoard.forRun(settings.train().monitor(), work, modelDir, conf, !history.epochs().isEmpty());
        this.stopping = settings.train().monitor().earlyStopping().policy().replay(history.epochs());
        this.samplesBefore = TrainingBoard.samplesThrough(history.epochs());
        board.settings(samplesBefore, settings.rendered());
        board.epochs(history.epochs()); // a resumed run: an epoch a kill kept out of the files
        for (Row r : validation.orderBy("id").limit(GRID_CANVASES).select("id", "label", "xmin", "ymin", "xmax", "ymax",
                "pixels").collectAsList()) {
            gridIds.add(r.getLong(0));
            gridLabels.add(r.getInt(1));
            gridBoxes.add(new float[] {r.getFloat(2), r.getFloat(3), r.getFloat(4), r.getFloat(5)});
            gridPixels.add(r.getAs(6));
        }
    }

    EarlyStopping stopping() {
        return stopping;
    }

    /** The master's progress lines, as scalars at this epoch's sample count. */
    ParameterAveragingMaster.Progress progress(ComputationGraph net) {
        String layer = net.getLayers()[0].conf().getLayer().getLayerName();
        return (epochSamples, score, imagesPerSecond) -> {
            board.scalars(samplesBefore + epochSamples, Map.of(TrainingBoard.TRAIN_LOSS, score,
                    TrainingBoard.LEARNING_RATE, net.getLearningRate(layer), TrainingBoard.IMAGES_PER_SECOND,
                    imagesPerSecond));
            live.set(Map.of(Figure.SAMPLES, (double) (samplesBefore + epochSamples), Figure.TRAIN_LOSS, score,
                    Figure.IMAGES_PER_SECOND, imagesPerSecond));
        };
    }

    /** Before an epoch's fit: its number on the live figures. */
    void beginEpoch(int epoch) {
        live.set(Figure.EPOCH, epoch);
    }

    /** The epoch's rounds on the live figures: their count and where their time went. */
    void rounds(RoundPhases.Summary rounds) {
        live.set(Map.of(Figure.ROUNDS, (double) rounds.rounds(), Figure.ROUND_SECONDS, rounds.wall(),
                Figure.ROUND_FIT_SECONDS, rounds.fit(), Figure.ROUND_OVERHEAD_SECONDS, rounds.overhead()));
    }

    /** After an epoch's checkpoint: its figures and grid on the board, and the policy's verdict. */
    EarlyStopping.Verdict epoch(TrainingHistory history, EpochRecord record, ComputationGraph net) {
        samplesBefore = TrainingBoard.samplesThrough(history.epochs());
        board.epochs(history.epochs());
        live.set(Map.of(Figure.SAMPLES, (double) samplesBefore, Figure.VAL_LOSS, record.valLoss(),
                Figure.VAL_ACCURACY, record.valAccuracy(), Figure.VAL_MEAN_IOU, record.valMeanIou(),
                Figure.VAL_IOU_SHARE, record.valIouShare(), Figure.VAL_BOX_MSE, record.valBoxMse()));
        board.image(TrainingBoard.PREDICTIONS, samplesBefore, grid(net));
        EarlyStopping.Verdict v = stopping.observe(record);
        if (stopping.enabled()) {
            LOG.info("early stopping: {}", v.reason());
        }
        return v;
    }

    private java.awt.image.BufferedImage grid(ComputationGraph net) {
        List<Located> located = new Predictor(net, size).predict(gridPixels);
        List<PredictionGrid.Cell> cells = new ArrayList<>();
        for (int i = 0; i < located.size(); i++) {
            Prediction p = Prediction.of(gridIds.get(i), gridLabels.get(i), located.get(i), gridBoxes.get(i));
            cells.add(new PredictionGrid.Cell(gridPixels.get(i), size, p));
        }
        return PredictionGrid.draw(List.of(new PredictionGrid.Section("Validation canvases (first by id)", cells)),
                10, size);
    }

    @Override
    public void close() {
        board.close();
    }
}
