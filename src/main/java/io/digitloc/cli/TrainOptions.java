package io.digitloc.cli;

import io.digitloc.config.TrainSettings;
import picocli.CommandLine.Option;

import java.util.Map;

/** Options of the train stage. */
public final class TrainOptions {
    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Where model.zip, metadata.json, history.csv/json and checkpoints/ go (default: runs/default).")
    String modelDir;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the train split (default: 10).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size per worker (default: 64).")
    Integer batchSize;

    @Option(names = "--updater", paramLabel = "NAME", description = "Optimiser: ADAM (default), NESTEROVS or SGD.")
    TrainSettings.Updater updater;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Optimiser step size (default: 0.001).")
    Double learningRate;

    @Option(names = "--averaging-frequency", paramLabel = "N",
            description = "Mini-batches each worker fits between parameter averages (default: 16).")
    Integer averagingFrequency;

    @Option(names = "--prefetch", paramLabel = "N", description = "Mini-batches prefetched per worker; 0 = off (default: 2).")
    Integer prefetch;

    @Option(names = "--approach", paramLabel = "NAME",
            description = "EXPORT (default): compact batch files on the shared filesystem; DIRECT: batches as an RDD.")
    TrainSettings.Approach approach;

    @Option(names = "--storage-level", paramLabel = "LEVEL",
            description = "Spark storage level of the cached batches (default: MEMORY_ONLY).")
    String storageLevel;

    @Option(names = "--threads-per-task", paramLabel = "N",
            description = "ND4J threads per Spark task; 0 = cores / concurrent tasks (default: 0).")
    Integer threadsPerTask;

    @Option(names = "--epoch-eval-limit", paramLabel = "N",
            description = "Validation canvases scored after each epoch; 0 = all (default: 0).")
    Integer evalLimit;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.train.model-dir", modelDir);
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
