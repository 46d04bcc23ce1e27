package io.digitloc.core;

/**
 * The one home of every file name in a run (model) directory; jobs join these to their directory on
 * whatever filesystem it lives.
 * <pre>
 * &lt;model-dir&gt;/model.zip              the trained network (DL4J stock layers, with updater state)
 *             model.onnx             the same network as an ONNX graph (written by retrain and export)
 *             metadata.json          how it was trained (written last by train: marks it complete)
 *             history.csv|json       per-epoch figures
 *             initial-validation.json figures before the first step
 *             checkpoints/epoch-NNNN.zip|.outer   per-epoch network; outer-optimiser state
 *             checkpoints/epoch-NNNN-average.zip  per-epoch moving average of the weights (train.ema-epochs)
 *             metrics.json           evaluation figures (written last by evaluate)
 *             predictions/           evaluation predictions (Parquet)
 *             predictions_sample.csv, grid.png, report.html
 *             lineage.json           where a registry run came from (written by retrain)
 * .&lt;model-dir&gt;.inprogress/          where a run is built (and resumed from) until it is renamed
 * </pre>
 */
public final class RunLayout {
    public static final String MODEL = "model.zip";
    /** The model as ONNX, for runtimes outside the JVM (export, and retrain beside each run's model.zip). */
    public static final String ONNX = "model.onnx";
    public static final String METADATA = "metadata.json";
    public static final String HISTORY_CSV = "history.csv";
    public static final String HISTORY_JSON = "history.json";
    public static final String INITIAL_VALIDATION = "initial-validation.json";
    public static final String CHECKPOINTS = "checkpoints";
    /** Training batches of the current epoch (scratch, deleted when the run is published). */
    public static final String BATCHES = "_batches";
    public static final String METRICS = "metrics.json";
    public static final String PREDICTIONS = "predictions";
    public static final String SAMPLE_CSV = "predictions_sample.csv";
    public static final String GRID = "grid.png";
    public static final String REPORT = "report.html";
    /** A registry run's origin: run id, code version, data manifest, settings, warm start, champion before. */
    public static final String LINEAGE = "lineage.json";

    private RunLayout() {
    }

    /** Name of the hidden sibling a run of the model directory {@code modelDirName} is built in. */
    public static String inProgressName(String modelDirName) {
        return "." + modelDirName + ".inprogress";
    }

    /** The model directory name an in-progress directory is building, or null when {@code name} is not one. */
    public static String inProgressOf(String name) {
        return name.startsWith(".") && name.endsWith(".inprogress") && name.length() > ".inprogress".length() + 1
                ? name.substring(1, name.length() - ".inprogress".length()) : null;
    }

    /** A checkpoint's path relative to the run directory. */
    public static String checkpoint(int epoch) {
        return CHECKPOINTS + "/" + checkpointFile(epoch);
    }

    /** The weights' moving average saved beside a checkpoint (train.ema-epochs), relative to the run directory. */
    public static String averagedCheckpoint(int epoch) {
        return CHECKPOINTS + "/" + String.format("epoch-%04d-average.zip", epoch);
    }

    /** The outer optimiser's state saved beside a checkpoint, relative to the run directory. */
    public static String outerState(int epoch) {
        return CHECKPOINTS + "/" + String.format("epoch-%04d.outer", epoch);
    }

    /** The train split's digit packs (approach digits), under {@link #BATCHES} (or the export dir). */
    public static final String DIGITS = "digits";

    /** An epoch's directory of training-batch files, under {@link #BATCHES} (or the export dir). */
    public static String epochBatches(int epoch) {
        return "epoch-" + epoch;
    }

    /** The name of batch file {@code batch} of Spark partition {@code partition}. */
    public static String batchFile(int partition, int batch) {
        return String.format("part-%05d-%05d.bin", partition, batch);
    }

    public static String checkpointFile(int epoch) {
        return String.format("epoch-%04d.zip", epoch);
    }

    /** The epoch of a checkpoint file name, or -1 when the name is not one. */
    public static int checkpointEpoch(String fileName) {
        return fileName.matches("epoch-\\d{4}\\.zip") ? Integer.parseInt(fileName.substring(6, 10)) : -1;
    }
}
