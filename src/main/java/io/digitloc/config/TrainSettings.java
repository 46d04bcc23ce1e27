package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How the network is trained across executors.
 *
 * @param modelDir           where model.zip, checkpoints, history and metadata go (any Hadoop path)
 * @param epochs             passes over the train split
 * @param batchSize          mini-batch size per worker (per Spark task)
 * @param updater            optimiser
 * @param learningRate       optimiser step size
 * @param averagingFrequency mini-batches each worker fits between two parameter averages
 * @param prefetch           mini-batches prefetched asynchronously per worker (0 = off)
 * @param approach           how DL4J hands data to workers: export (files, default) or direct (RDD)
 * @param exportDir          where the export approach writes its batches; blank = under the model dir
 * @param storageLevel       Spark storage level for the cached training batches
 * @param threadsPerTask     ND4J threads per Spark task; 0 = cores / concurrent tasks
 * @param evalLimit          validation canvases scored after each epoch; 0 = all
 * @param ifExists           what train does when the model dir already holds a finished model
 * @param augment            from the second epoch on, move each digit to a fresh place (seeded by seed,
 *                           epoch and id) with its box: more placements seen, same digits
 * @param lrDecayEpochs      epochs after which the learning rate is multiplied by {@code lrDecayFactor}
 * @param lrDecayFactor      the multiplier of each decay step
 * @param boxLossWeight      weight of the bounding-box MSE against the classification loss (1 = reference)
 * @param lrSchedule         how the learning rate moves: {@code step} (lr-decay-epochs) or {@code linear}
 *                           (down to zero at the last step)
 * @param lrWarmupEpochs     epochs (fractions allowed) over which the rate ramps up from 0; 0 = none
 * @param fastLayers        the project's own versions of two layers (average pooling in Java, convolution
 *                           without the recomputed forward pass in backprop) or DL4J's stock layers: the
 *                           same functions and parameters, the former faster
 * @param digitRotation      with augment: rotate each digit inside its patch by up to this many degrees
 *                           either way (0 = off); the box stays the patch, so labels stay exact
 * @param digitScale         with augment: scale each digit inside its patch by a factor in
 *                           [1 - digitScale, 1 + digitScale] (0 = off)
 * @param classifierDropout  share of the dense layer's outputs dropped at random before the
 *                           classification head while training (0 = off); the box head sees them all
 */
public record TrainSettings(String modelDir, int epochs, int batchSize, Updater updater, double learningRate,
                            int averagingFrequency, int prefetch, Approach approach, String exportDir,
                            String storageLevel, int threadsPerTask, int evalLimit,
                            DataSettings.IfExists ifExists, boolean augment, java.util.List<Integer> lrDecayEpochs,
                            double lrDecayFactor, double boxLossWeight, LrSchedule lrSchedule,
                            double lrWarmupEpochs, boolean fastLayers, double digitRotation, double digitScale,
                            double classifierDropout) implements Serializable {

    /** Supported optimisers. */
    public enum Updater { ADAM, NESTEROVS, SGD }

    /** Learning-rate schedules: stepped down after given epochs, or linear decay to zero over the run. */
    public enum LrSchedule { STEP, LINEAR }

    /** dl4j-spark's two ways of feeding workers. */
    public enum Approach { EXPORT, DIRECT }

    public TrainSettings {
        Settings.require(modelDir != null && !modelDir.isBlank(), "digitloc.train.model-dir", modelDir, "a directory path");
        Settings.require(epochs >= 1 && epochs <= 10_000, "digitloc.train.epochs", epochs, "between 1 and 10000");
        Settings.require(batchSize >= 1 && batchSize <= 65_536, "digitloc.train.batch-size", batchSize, "between 1 and 65536");
        Settings.require(updater != null, "digitloc.train.updater", updater, "adam, nesterovs or sgd");
        Settings.require(learningRate > 0 && learningRate < 10 && Double.isFinite(learningRate),
                "digitloc.train.learning-rate", learningRate, "a positive number below 10");
        Settings.require(averagingFrequency >= 1, "digitloc.train.averaging-frequency", averagingFrequency, "at least 1");
        Settings.require(prefetch >= 0, "digitloc.train.prefetch", prefetch, "0 or more");
        Settings.require(approach != null, "digitloc.train.approach", approach, "export or direct");
        Settings.require(isStorageLevel(storageLevel), "digitloc.train.storage-level", storageLevel,
                "a Spark storage level such as MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_ONLY_SER or NONE");
        Settings.require(threadsPerTask >= 0 && threadsPerTask <= 1024, "digitloc.train.threads-per-task", threadsPerTask,
                "0 (automatic) or a thread count");
        Settings.require(evalLimit >= 0, "digitloc.train.eval-limit", evalLimit, "0 (all) or a positive count");
        Settings.require(ifExists != null, "digitloc.train.if-exists", ifExists, "fail or replace");
        Settings.require(lrDecayEpochs != null && lrDecayEpochs.stream().allMatch(e -> e >= 1),
                "digitloc.train.lr-decay-epochs", lrDecayEpochs, "a list of epoch numbers, each at least 1");
        Settings.require(lrDecayFactor > 0 && lrDecayFactor <= 1, "digitloc.train.lr-decay-factor", lrDecayFactor,
                "a number in (0, 1]");
        lrDecayEpochs = lrDecayEpochs.stream().sorted().distinct().toList();
        Settings.require(boxLossWeight > 0 && boxLossWeight <= 10_000, "digitloc.train.box-loss-weight", boxLossWeight,
                "a positive number");
        Settings.require(lrSchedule != null, "digitloc.train.lr-schedule", lrSchedule, "step or linear");
        Settings.require(lrWarmupEpochs >= 0 && lrWarmupEpochs < epochs, "digitloc.train.lr-warmup-epochs",
                lrWarmupEpochs, "0 or more, and fewer than the epochs");
        Settings.require(digitRotation >= 0 && digitRotation <= 45, "digitloc.train.digit-rotation", digitRotation,
                "degrees between 0 and 45");
        Settings.require(digitScale >= 0 && digitScale <= 0.3, "digitloc.train.digit-scale", digitScale,
                "a fraction between 0 and 0.3");
        Settings.require(classifierDropout >= 0 && classifierDropout < 1, "digitloc.train.classifier-dropout",
                classifierDropout, "a share in [0, 1)");
    }

    /** The same settings training into another directory. */
    public TrainSettings withModelDir(String dir) {
        return new TrainSettings(dir, epochs, batchSize, updater, learningRate, averagingFrequency, prefetch, approach,
                exportDir, storageLevel, threadsPerTask, evalLimit, ifExists, augment, lrDecayEpochs, lrDecayFactor,
                boxLossWeight, lrSchedule, lrWarmupEpochs, fastLayers, digitRotation, digitScale,
                classifierDropout);
    }

    /** The same settings with the project's fast layers on or off. */
    public TrainSettings withFastLayers(boolean fast) {
        return new TrainSettings(modelDir, epochs, batchSize, updater, learningRate, averagingFrequency, prefetch,
                approach, exportDir, storageLevel, threadsPerTask, evalLimit, ifExists, augment, lrDecayEpochs,
                lrDecayFactor, boxLossWeight, lrSchedule, lrWarmupEpochs, fast, digitRotation, digitScale, classifierDropout);
    }

    /** The same settings with another policy for an existing model directory. */
    public TrainSettings withIfExists(DataSettings.IfExists policy) {
        return new TrainSettings(modelDir, epochs, batchSize, updater, learningRate, averagingFrequency, prefetch,
                approach, exportDir, storageLevel, threadsPerTask, evalLimit, policy, augment, lrDecayEpochs,
                lrDecayFactor, boxLossWeight, lrSchedule, lrWarmupEpochs, fastLayers, digitRotation, digitScale,
                classifierDropout);
    }

    private static boolean isStorageLevel(String level) {
        if (level == null) {
            return false;
        }
        return switch (level) {
            case "NONE", "MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY" -> true;
            default -> false;
        };
    }

    static TrainSettings from(Config root) {
        return new TrainSettings(
                Settings.get(root, "train.model-dir", Config::getString),
                Settings.get(root, "train.epochs", Config::getInt),
                Settings.get(root, "train.batch-size", Config::getInt),
                Settings.enumValue(root, "train.updater", Updater.class),
                Settings.get(root, "train.learning-rate", Config::getDouble),
                Settings.get(root, "train.averaging-frequency", Config::getInt),
                Settings.get(root, "train.prefetch", Config::getInt),
                Settings.enumValue(root, "train.approach", Approach.class),
                Settings.get(root, "train.export-dir", Config::getString),
                Settings.get(root, "train.storage-level", Config::getString),
                Settings.get(root, "train.threads-per-task", Config::getInt),
                Settings.get(root, "train.eval-limit", Config::getInt),
                Settings.enumValue(root, "train.if-exists", DataSettings.IfExists.class),
                Settings.get(root, "train.augment", Config::getBoolean),
                Settings.get(root, "train.lr-decay-epochs", Config::getIntList),
                Settings.get(root, "train.lr-decay-factor", Config::getDouble),
                Settings.get(root, "train.box-loss-weight", Config::getDouble),
                Settings.enumValue(root, "train.lr-schedule", LrSchedule.class),
                Settings.get(root, "train.lr-warmup-epochs", Config::getDouble),
                Settings.get(root, "train.fast-layers", Config::getBoolean),
                Settings.get(root, "train.digit-rotation", Config::getDouble),
                Settings.get(root, "train.digit-scale", Config::getDouble),
                Settings.get(root, "train.classifier-dropout", Config::getDouble));
    }
}
