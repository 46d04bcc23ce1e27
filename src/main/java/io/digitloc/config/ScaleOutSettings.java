package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How parameter averaging turns N workers' rounds into progress (keys under
 * {@code digitloc.train.scale-out}; conf/pipeline.conf describes them). Each round every worker takes a
 * few local Adam steps from the same parameters; averaging them moves the model about as far as one
 * worker would, while spending N times the data. The driver's <em>outer step</em> treats the round's
 * averaged change as a pseudo-gradient: new = start + outerLr x (change, plus momentum over rounds). An
 * outer rate of 1 without momentum is plain averaging.
 *
 * @param outerLr       {@code scale-out.outer-lr}; null = auto
 * @param outerMomentum {@code scale-out.outer-momentum}; null = auto
 * @param nesterov      {@code scale-out.nesterov}: Nesterov (true) or heavy-ball momentum
 * @param warmupSamples {@code scale-out.warmup-samples}; null = auto ({@link #AUTO_WARMUP_SAMPLES} with two
 *                      or more workers)
 * @param workerBatch   {@code scale-out.worker-batch}; null = auto: {@code train.batch-size} shared out among
 *                      the workers
 */
public record ScaleOutSettings(Double outerLr, Double outerMomentum, boolean nesterov, Long warmupSamples,
                               Integer workerBatch)
        implements Serializable {

    /**
     * The automatic warm-up, 384 steps of 64: past the classifier's initial plateau on one worker. Why a
     * warm-up at all, and the figures behind this length: docs/SCALING.md, "What was tried".
     */
    public static final long AUTO_WARMUP_SAMPLES = 24_576;

    /** Smaller per-worker batches starve a worker's cores; beyond that, add samples per step instead. */
    public static final int MIN_WORKER_BATCH = 8;

    static final Setting<Double> OUTER_LR = Setting.autoOrNumber("train.scale-out.outer-lr",
            v -> v == null || (v > 0 && v <= 64), "auto or a number in (0, 64]");
    static final Setting<Double> OUTER_MOMENTUM = Setting.autoOrNumber("train.scale-out.outer-momentum",
            v -> v == null || (v >= 0 && v < 1), "auto or a number in [0, 1)");
    static final Setting<Boolean> NESTEROV = Setting.flag("train.scale-out.nesterov");
    static final Setting<Double> WARMUP_SAMPLES = Setting.autoOrNumber("train.scale-out.warmup-samples",
            v -> v == null || v >= 0, "auto or a count of samples, 0 or more");
    static final Setting<Double> WORKER_BATCH = Setting.autoOrNumber("train.scale-out.worker-batch",
            v -> v == null || v >= 1, "auto or a mini-batch size, 1 or more");

    public ScaleOutSettings {
        OUTER_LR.check(outerLr);
        OUTER_MOMENTUM.check(outerMomentum);
        WARMUP_SAMPLES.check(warmupSamples == null ? null : warmupSamples.doubleValue());
        WORKER_BATCH.check(workerBatch == null ? null : workerBatch.doubleValue());
    }

    /**
     * Each worker's mini-batch when {@code workers} share a global batch of {@code batchSize}. Keeping
     * the global batch (rather than giving each worker {@code batchSize}) is what keeps the samples to a
     * given accuracy nearly independent of N: with the batch per worker fixed, N workers act as one
     * worker with an N-times larger batch (docs/SCALING.md, "What limited E(N) then"). Never below
     * {@link #MIN_WORKER_BATCH}.
     */
    public int workerBatch(int batchSize, int workers) {
        if (workerBatch != null) {
            return workerBatch;
        }
        return Math.max(Math.min(batchSize, MIN_WORKER_BATCH), (int) Math.round(batchSize / (double) Math.max(1, workers)));
    }

    /**
     * Samples one worker fits before {@code workers} workers take over: none for one worker, else the set
     * value or {@link #AUTO_WARMUP_SAMPLES} (the same for every count of two or more).
     */
    public long warmup(int workers) {
        if (workers <= 1) {
            return 0;
        }
        return warmupSamples != null ? warmupSamples : AUTO_WARMUP_SAMPLES;
    }

    /** The outer step in force for {@code workers} workers. */
    public record Outer(double lr, double momentum, boolean nesterov) implements Serializable {
        /** Plain averaging: the model becomes the workers' mean. */
        public boolean isPlainAveraging() {
            return lr == 1.0 && momentum == 0.0;
        }
    }

    /**
     * The outer step: the set values; {@code auto} is plain averaging (rate 1, no momentum) whatever the
     * number of workers, since outer momentum after the warm-up raised accuracy a little but made the
     * boxes noisier (docs/SCALING.md, "What was tried"). {@code workers} does not change the answer
     * today; callers pass it so that a rule per worker count needs no change of theirs.
     */
    public Outer resolve(int workers) {
        return new Outer(outerLr != null ? outerLr : 1.0, outerMomentum != null ? outerMomentum : 0.0, nesterov);
    }

    static ScaleOutSettings from(Config root) {
        return new ScaleOutSettings(OUTER_LR.read(root), OUTER_MOMENTUM.read(root), NESTEROV.read(root),
                toLong(WARMUP_SAMPLES.read(root)), toInt(WORKER_BATCH.read(root)));
    }

    private static Integer toInt(Double d) {
        return d == null ? null : (int) Math.round(d);
    }

    private static Long toLong(Double d) {
        return d == null ? null : Math.round(d);
    }
}
