package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How parameter averaging turns N workers' rounds into progress (keys under
 * {@code digitloc.train.scale-out}). Each round every worker takes a few local Adam steps from the
 * same parameters; averaging them moves the model about as far as one worker would, while spending N
 * times the data. The driver's <em>outer step</em> treats the round's averaged change as a
 * pseudo-gradient: new = start + outerLr x (change, plus momentum over rounds). An outer rate of 1
 * without momentum is plain averaging.
 *
 * @param outerLr       outer learning rate; null = automatic, from the number of workers
 * @param outerMomentum outer (Nesterov) momentum over rounds; null = automatic
 * @param nesterov      Nesterov (true) or heavy-ball momentum
 * @param warmupSamples training samples fitted by one worker before the N workers start (post-local
 *                      SGD: early on, copies trained apart do not average well); null = automatic
 * @param workerBatch   mini-batch of each worker; null = automatic: {@code train.batch-size} shared out
 *                      among the workers, so that a step of N workers spends as many samples as one
 *                      worker's step
 */
public record ScaleOutSettings(Double outerLr, Double outerMomentum, boolean nesterov, Long warmupSamples,
                               Integer workerBatch)
        implements Serializable {

    public ScaleOutSettings {
        Settings.require(outerLr == null || (outerLr > 0 && outerLr <= 64), "digitloc.train.scale-out.outer-lr", outerLr,
                "auto or a number in (0, 64]");
        Settings.require(outerMomentum == null || (outerMomentum >= 0 && outerMomentum < 1),
                "digitloc.train.scale-out.outer-momentum", outerMomentum, "auto or a number in [0, 1)");
        Settings.require(warmupSamples == null || warmupSamples >= 0, "digitloc.train.scale-out.warmup-samples",
                warmupSamples, "auto or a count of samples, 0 or more");
        Settings.require(workerBatch == null || workerBatch >= 1, "digitloc.train.scale-out.worker-batch", workerBatch,
                "auto or a mini-batch size, 1 or more");
    }

    /**
     * Each worker's mini-batch when {@code workers} share a global batch of {@code batchSize}. Keeping
     * the global batch (rather than giving each worker {@code batchSize}) is what keeps the samples to a
     * given accuracy nearly independent of N: with the batch per worker fixed, N workers act as one
     * worker with an N-times larger batch, and this model needs ~1.3x / 1.75x the samples at 2 / 4
     * workers (docs/SCALING.md). Never below {@link #MIN_WORKER_BATCH}.
     */
    public int workerBatch(int batchSize, int workers) {
        if (workerBatch != null) {
            return workerBatch;
        }
        return Math.max(Math.min(batchSize, MIN_WORKER_BATCH), (int) Math.round(batchSize / (double) Math.max(1, workers)));
    }

    /** Smaller per-worker batches starve a worker's cores; beyond that, add samples per step instead. */
    public static final int MIN_WORKER_BATCH = 8;

    /** Samples one worker fits before {@code workers} workers take over (0 = none; one worker: none). */
    public long warmup(int workers) {
        if (workers <= 1) {
            return 0;
        }
        return warmupSamples != null ? warmupSamples : autoWarmupSamples(workers);
    }

    /**
     * 24,576 samples (384 steps of 64): past the classifier's initial plateau on one worker (~84%
     * accuracy on full-size data). Started apart from the first step, N copies averaged on the plateau
     * learn far less (4 workers: 75% accuracy after 93,000 samples with plain averaging, 92% with this
     * warm-up; docs/SCALING.md).
     */
    static long autoWarmupSamples(int workers) {
        return 24_576;
    }

    /** The outer step in force for {@code workers} workers. */
    public record Outer(double lr, double momentum, boolean nesterov) implements Serializable {
        /** Plain averaging: the model becomes the workers' mean. */
        public boolean isPlainAveraging() {
            return lr == 1.0 && momentum == 0.0;
        }
    }

    /**
     * Resolves the automatic values for {@code workers}: one worker has nothing to average (plain);
     * with more, the rule measured in docs/SCALING.md.
     */
    public Outer resolve(int workers) {
        double lr = outerLr != null ? outerLr : autoOuterLr(workers);
        double momentum = outerMomentum != null ? outerMomentum : autoOuterMomentum(workers);
        return new Outer(lr, momentum, nesterov);
    }

    // Plain averaging after the warm-up: outer Nesterov momentum 0.75 (a gain of 4 in steady state) at 4
    // workers raised accuracy a little but made the boxes noisier (docs/SCALING.md).
    static double autoOuterLr(int workers) {
        return 1.0;
    }

    static double autoOuterMomentum(int workers) {
        return 0.0;
    }

    static ScaleOutSettings from(Config root) {
        return new ScaleOutSettings(
                autoOrNumber(root, "train.scale-out.outer-lr"),
                autoOrNumber(root, "train.scale-out.outer-momentum"),
                Settings.get(root, "train.scale-out.nesterov", Config::getBoolean),
                toLong(autoOrNumber(root, "train.scale-out.warmup-samples")),
                toInt(autoOrNumber(root, "train.scale-out.worker-batch")));
    }

    private static Integer toInt(Double d) {
        return d == null ? null : (int) Math.round(d);
    }

    private static Long toLong(Double d) {
        return d == null ? null : Math.round(d);
    }

    private static Double autoOrNumber(Config root, String path) {
        String raw = Settings.get(root, path, Config::getString).trim();
        if (raw.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return Double.valueOf(raw);
        } catch (NumberFormatException e) {
            throw new SettingsException("setting digitloc." + path + " = '" + raw + "' must be auto or a number");
        }
    }
}
