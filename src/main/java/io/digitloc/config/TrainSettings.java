package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How a model is trained (keys {@code digitloc.train.*}; conf/pipeline.conf describes them): the run
 * itself, and one small record per concern: the {@link NetworkSettings network}, the
 * {@link OptimiserSettings optimiser}, the {@link AugmentSettings augmentation}, the
 * {@link DistributionSettings distribution} and the {@link MonitorSettings monitoring} (TensorBoard, early stopping).
 *
 * @param modelDir  {@code train.model-dir} (any Hadoop path)
 * @param epochs    {@code train.epochs}
 * @param batchSize {@code train.batch-size}, shared out among the workers ({@link ScaleOutSettings#workerBatch})
 * @param evalLimit {@code train.eval-limit}; 0 = all
 * @param ifExists  {@code train.if-exists}
 */
public record TrainSettings(String modelDir, int epochs, int batchSize, int evalLimit, DataSettings.IfExists ifExists,
                            NetworkSettings network, OptimiserSettings optimiser, AugmentSettings augmentation,
                            DistributionSettings distribution, MonitorSettings monitor) implements Serializable {

    static final Setting<String> MODEL_DIR = Setting.directory("train.model-dir");
    static final Setting<Integer> EPOCHS = Setting.integer("train.epochs", v -> v >= 1 && v <= 10_000,
            "between 1 and 10000");
    static final Setting<Integer> BATCH_SIZE = Setting.integer("train.batch-size", v -> v >= 1 && v <= 65_536,
            "between 1 and 65536");
    static final Setting<Integer> EVAL_LIMIT = Setting.integer("train.eval-limit", v -> v >= 0,
            "0 (all) or a positive count");
    static final Setting<DataSettings.IfExists> IF_EXISTS = Setting.choice("train.if-exists", DataSettings.IfExists.class);

    public TrainSettings {
        MODEL_DIR.check(modelDir);
        EPOCHS.check(epochs);
        BATCH_SIZE.check(batchSize);
        EVAL_LIMIT.check(evalLimit);
        IF_EXISTS.check(ifExists);
        OptimiserSettings.LR_WARMUP_EPOCHS.require(optimiser.warmupEpochs() < epochs, optimiser.warmupEpochs(),
                "fewer than the epochs");
    }

    static TrainSettings from(Config root) {
        return new TrainSettings(MODEL_DIR.read(root), EPOCHS.read(root), BATCH_SIZE.read(root), EVAL_LIMIT.read(root),
                IF_EXISTS.read(root), NetworkSettings.from(root), OptimiserSettings.from(root), AugmentSettings.from(root),
                DistributionSettings.from(root), MonitorSettings.from(root));
    }
}
