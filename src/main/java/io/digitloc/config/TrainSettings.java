package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How a model is trained (keys {@code digitloc.train.*}): the run itself, and one small record per
 * concern: the {@link NetworkSettings network}, the {@link OptimiserSettings optimiser}, the
 * {@link AugmentSettings augmentation}, the {@link DistributionSettings distribution} and the
 * {@link MonitorSettings monitoring} (TensorBoard, early stopping).
 *
 * @param modelDir  where model.zip, checkpoints, history and metadata go (any Hadoop path)
 * @param epochs    passes over the train split
 * @param batchSize samples per optimiser step, shared out among the workers ({@link ScaleOutSettings#workerBatch})
 * @param evalLimit validation canvases scored after each epoch; 0 = all
 * @param ifExists  what train does when the model dir already holds a finished model
 */
public record TrainSettings(String modelDir, int epochs, int batchSize, int evalLimit, DataSettings.IfExists ifExists,
                            NetworkSettings network, OptimiserSettings optimiser, AugmentSettings augmentation,
                            DistributionSettings distribution, MonitorSettings monitor) implements Serializable {

    public TrainSettings {
        Settings.require(modelDir != null && !modelDir.isBlank(), "digitloc.train.model-dir", modelDir, "a directory path");
        Settings.require(epochs >= 1 && epochs <= 10_000, "digitloc.train.epochs", epochs, "between 1 and 10000");
        Settings.require(batchSize >= 1 && batchSize <= 65_536, "digitloc.train.batch-size", batchSize, "between 1 and 65536");
        Settings.require(evalLimit >= 0, "digitloc.train.eval-limit", evalLimit, "0 (all) or a positive count");
        Settings.require(ifExists != null, "digitloc.train.if-exists", ifExists, "fail or replace");
        Settings.require(optimiser.warmupEpochs() < epochs, "digitloc.train.lr-warmup-epochs", optimiser.warmupEpochs(),
                "fewer than the epochs");
    }

    static TrainSettings from(Config root) {
        String modelDir = Settings.get(root, "train.model-dir", Config::getString);
        int epochs = Settings.get(root, "train.epochs", Config::getInt);
        int batchSize = Settings.get(root, "train.batch-size", Config::getInt);
        int evalLimit = Settings.get(root, "train.eval-limit", Config::getInt);
        DataSettings.IfExists ifExists = Settings.enumValue(root, "train.if-exists", DataSettings.IfExists.class);
        return new TrainSettings(modelDir, epochs, batchSize, evalLimit, ifExists, NetworkSettings.from(root),
                OptimiserSettings.from(root), AugmentSettings.from(root), DistributionSettings.from(root),
                MonitorSettings.from(root));
    }
}
