package io.digitloc.cli;

import io.digitloc.config.DistributionSettings;
import io.digitloc.config.OptimiserSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** Options of the train stage. */
public final class TrainOptions {
    @Mixin
    ModelDirOption modelDir;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the train split (default: ${sys:digitloc.default.train.epochs}).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per optimiser step, shared out among the workers (default: ${sys:digitloc.default.train.batch-size}).")
    Integer batchSize;

    @Option(names = "--updater", paramLabel = "NAME", description = "Optimiser: ADAM, NESTEROVS or SGD (default: ${sys:digitloc.default.train.updater}).")
    OptimiserSettings.Updater updater;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Optimiser step size (default: ${sys:digitloc.default.train.learning-rate}).")
    Double learningRate;

    @Option(names = "--averaging-frequency", paramLabel = "N",
            description = "Mini-batches each worker fits between parameter averages (default: ${sys:digitloc.default.train.averaging-frequency}).")
    Integer averagingFrequency;

    @Option(names = "--prefetch", paramLabel = "N", description = "Mini-batches prefetched per worker; 0 = off (default: ${sys:digitloc.default.train.prefetch}).")
    Integer prefetch;

    @Option(names = "--approach", paramLabel = "NAME",
            description = "EXPORT: compact batch files on the shared filesystem; DIRECT: batches as an RDD (default: ${sys:digitloc.default.train.approach}).")
    DistributionSettings.Approach approach;

    @Option(names = "--storage-level", paramLabel = "LEVEL",
            description = "Spark storage level of the cached batches (default: ${sys:digitloc.default.train.storage-level}).")
    String storageLevel;

    @Option(names = "--threads-per-task", paramLabel = "N",
            description = "ND4J threads per Spark task; 0 = cores / concurrent tasks (default: ${sys:digitloc.default.train.threads-per-task}).")
    Integer threadsPerTask;

    @Option(names = "--epoch-eval-limit", paramLabel = "N",
            description = "Validation canvases scored after each epoch; 0 = all (default: ${sys:digitloc.default.train.eval-limit}).")
    Integer evalLimit;

    void addTo(Map<String, Object> o) {
        modelDir.addTo(o);
        CommonOptions.put(o, "digitloc.train.epochs", epochs);
        CommonOptions.put(o, "digitloc.train.batch-size", batchSize);
        CommonOptions.put(o, "digitloc.train.updater", updater);
        CommonOptions.put(o, "digitloc.train.learning-rate", learningRate);
        CommonOptions.put(o, "digitloc.train.averaging-frequency", averagingFrequency);
        CommonOptions.put(o, "digitloc.train.prefetch", prefetch);
        CommonOptions.put(o, "digitloc.train.approach", approach);
        CommonOptions.put(o, "digitloc.train.storage-level", storageLevel);
        CommonOptions.put(o, "digitloc.train.threads-per-task", threadsPerTask);
        CommonOptions.put(o, "digitloc.train.eval-limit", evalLimit);
    }
}
