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
 * @param workerBatch   {@code scale-out.worker-batch}; null = auto: by {@code batchRule}
 * @param batchRule     {@code scale-out.batch-rule}: the global batch shared out, or a batch per worker
 * @param lrRule        {@code scale-out.lr-scaling}: how the rate follows a global batch larger than batch-size
 * @param lrRampSamples {@code scale-out.lr-ramp-samples}; null = auto ({@link #AUTO_LR_RAMP_SAMPLES})
 * @param globalBatchLimit {@code scale-out.global-batch-limit}; null = auto ({@link #AUTO_GLOBAL_BATCH_LIMIT}
 *                      x batch-size)
 */
public record ScaleOutSettings(Double outerLr, Double outerMomentum, boolean nesterov, Long warmupSamples,
                               Integer workerBatch, BatchRule batchRule, LrRule lrRule, Long lrRampSamples,
                               Integer globalBatchLimit)
        implements Serializable {

    /** How N workers' mini-batches relate to {@code train.batch-size}. */
    public enum BatchRule {
        /** The global batch stays batch-size, shared out: each worker fits batch-size / N. */
        SHARED,
        /** Each worker fits batch-size: the global batch is N x batch-size, the rate scaled by lr-scaling. */
        PER_WORKER
    }

    /**
     * The automatic limit of a batch per worker's global batch, in batch-sizes: 4 (256 samples of 64), the
     * largest measured to keep E(N) near one seed's 0.9 (docs/performance.md).
     */
    public static final int AUTO_GLOBAL_BATCH_LIMIT = 4;

    /** How the rate follows a global batch k times batch-size: unchanged, times k, or times sqrt(k). */
    public enum LrRule { NONE, LINEAR, SQRT }

    /** The automatic ramp of a scaled rate: two of the one-worker warm-ups' samples. */
    public static final long AUTO_LR_RAMP_SAMPLES = 49_152;

    /**
     * The automatic warm-up, 384 steps of 64: past the classifier's initial plateau on one worker. Why a
     * warm-up at all, and the figures behind this length: docs/performance.md.
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
    static final Setting<BatchRule> BATCH_RULE = Setting.choice("train.scale-out.batch-rule", BatchRule.class);
    static final Setting<LrRule> LR_SCALING = Setting.choice("train.scale-out.lr-scaling", LrRule.class);
    static final Setting<Double> GLOBAL_BATCH_LIMIT = Setting.autoOrNumber("train.scale-out.global-batch-limit",
            v -> v == null || v >= 1, "auto or a number of samples, 1 or more");
    static final Setting<Double> LR_RAMP_SAMPLES = Setting.autoOrNumber("train.scale-out.lr-ramp-samples",
            v -> v == null || v >= 0, "auto or a count of samples, 0 or more");

    public ScaleOutSettings {
        OUTER_LR.check(outerLr);
        OUTER_MOMENTUM.check(outerMomentum);
        WARMUP_SAMPLES.check(warmupSamples == null ? null : warmupSamples.doubleValue());
        WORKER_BATCH.check(workerBatch == null ? null : workerBatch.doubleValue());
        BATCH_RULE.check(batchRule);
        LR_SCALING.check(lrRule);
        LR_RAMP_SAMPLES.check(lrRampSamples == null ? null : lrRampSamples.doubleValue());
        GLOBAL_BATCH_LIMIT.check(globalBatchLimit == null ? null : globalBatchLimit.doubleValue());
    }

    /**
     * Each worker's mini-batch for {@code workers} workers: the set worker-batch, else batch-size each with
     * {@link BatchRule#PER_WORKER} while the global batch stays within its limit (past it, the limit
     * shared out: N x 64 learned ever less per sample beyond 256), else {@link #sharedBatch}.
     */
    public int workerBatch(int batchSize, int workers) {
        if (workerBatch != null) {
            return workerBatch;
        }
        int limit = perWorkerLimit(batchSize);
        return limit > 0 ? perWorkerBatch(batchSize, limit, workers) : sharedBatch(batchSize, workers);
    }

    /**
     * A batch per worker's largest global batch (the set limit, or {@link #AUTO_GLOBAL_BATCH_LIMIT} x
     * batch-size); 0 with the shared batch.
     */
    public int perWorkerLimit(int batchSize) {
        if (batchRule != BatchRule.PER_WORKER) {
            return 0;
        }
        return globalBatchLimit != null ? globalBatchLimit : AUTO_GLOBAL_BATCH_LIMIT * batchSize;
    }

    /** Each worker's batch-size while N of them stay within {@code limit}; past it, the limit shared out. */
    public static int perWorkerBatch(int batchSize, int limit, int workers) {
        return Math.min(batchSize, sharedBatch(Math.max(batchSize, limit), workers));
    }

    /**
     * Each worker's mini-batch when {@code workers} share a global batch of {@code batchSize}. Keeping
     * the global batch (rather than giving each worker {@code batchSize}) is what keeps the samples to a
     * given accuracy nearly independent of N: with the batch per worker fixed, N workers act as one
     * worker with an N-times larger batch (docs/performance.md). Never below
     * {@link #MIN_WORKER_BATCH}.
     */
    public static int sharedBatch(int batchSize, int workers) {
        return Math.max(Math.min(batchSize, MIN_WORKER_BATCH), (int) Math.round(batchSize / (double) Math.max(1, workers)));
    }

    /**
     * Samples fitted at the global batch of batch-size before {@code workers} workers take over: none for
     * one worker, else the set value, or by default {@link #AUTO_WARMUP_SAMPLES} with the shared batch
     * (the same for every count of two or more: past the classifier's initial plateau) and none with a
     * batch per worker, whose scaled rate ramps up instead (a warm-up there learned less: docs/performance.md).
     * Who fits them: {@link #warmupWorkers}.
     */
    public long warmup(int workers) {
        if (workers <= 1) {
            return 0;
        }
        if (warmupSamples != null) {
            return warmupSamples;
        }
        return batchRule == BatchRule.PER_WORKER ? 0 : AUTO_WARMUP_SAMPLES;
    }

    /**
     * Workers of the warm-up: one, stepping with the global batch (the shared batch's rule, whose N
     * workers then share that batch), or, with {@link BatchRule#PER_WORKER}, all N sharing it out
     * ({@link #sharedBatch} each) so none waits, before each takes batch-size: the global batch grows.
     */
    public int warmupWorkers(int workers) {
        return batchRule == BatchRule.PER_WORKER ? workers : 1;
    }

    /** Samples of the global batch over which a scaled rate ramps up: the set value or {@link #AUTO_LR_RAMP_SAMPLES}. */
    public long lrRamp() {
        return lrRampSamples != null ? lrRampSamples : AUTO_LR_RAMP_SAMPLES;
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
     * boxes noisier (docs/performance.md). {@code workers} does not change the answer
     * today; callers pass it so that a rule per worker count needs no change of theirs.
     */
    public Outer resolve(int workers) {
        return new Outer(outerLr != null ? outerLr : 1.0, outerMomentum != null ? outerMomentum : 0.0, nesterov);
    }

    static ScaleOutSettings from(Config root) {
        return new ScaleOutSettings(OUTER_LR.read(root), OUTER_MOMENTUM.read(root), NESTEROV.read(root),
                toLong(WARMUP_SAMPLES.read(root)), toInt(WORKER_BATCH.read(root)), BATCH_RULE.read(root),
                LR_SCALING.read(root), toLong(LR_RAMP_SAMPLES.read(root)), toInt(GLOBAL_BATCH_LIMIT.read(root)));
    }

    private static Integer toInt(Double d) {
        return d == null ? null : (int) Math.round(d);
    }

    private static Long toLong(Double d) {
        return d == null ? null : Math.round(d);
    }
}
