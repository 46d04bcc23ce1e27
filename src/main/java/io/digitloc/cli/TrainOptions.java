package io.digitloc.cli;

import io.digitloc.config.DistributionSettings;
import io.digitloc.config.OptimiserSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the train stage. */
public final class TrainOptions {
    @Mixin
    ModelDirOption modelDir;

    @Option(names = "--epochs", paramLabel = "N", descriptionKey = "train.epochs")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", descriptionKey = "train.batch-size")
    Integer batchSize;

    @Option(names = "--updater", paramLabel = "NAME", descriptionKey = "train.updater")
    OptimiserSettings.Updater updater;

    @Option(names = "--learning-rate", paramLabel = "LR", descriptionKey = "train.learning-rate")
    Double learningRate;

    @Option(names = "--averaging-frequency", paramLabel = "N", descriptionKey = "train.averaging-frequency")
    Integer averagingFrequency;

    @Option(names = "--prefetch", paramLabel = "N", descriptionKey = "train.prefetch")
    Integer prefetch;

    @Option(names = "--approach", paramLabel = "NAME", descriptionKey = "train.approach")
    DistributionSettings.Approach approach;

    @Option(names = "--storage-level", paramLabel = "LEVEL", descriptionKey = "train.storage-level")
    String storageLevel;

    @Option(names = "--threads-per-task", paramLabel = "N", descriptionKey = "train.threads-per-task")
    Integer threadsPerTask;

    @Option(names = "--epoch-eval-limit", paramLabel = "N", descriptionKey = "train.eval-limit")
    Integer evalLimit;
}
