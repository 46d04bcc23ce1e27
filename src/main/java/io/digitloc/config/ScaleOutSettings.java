package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How N workers' rounds become progress (keys under {@code digitloc.train.scale-out}; conf/pipeline.conf
 * describes them): the global batch they share, which grows as the network learns ({@link BatchSchedule}),
 * and the outer step after each round. Each round every worker takes a few local Adam steps from the
 * same parameters; the outer step treats the round's averaged change as a pseudo-gradient: new = start +
 * outerLr x (change, plus momentum over rounds). An outer rate of 1 without momentum is plain averaging.
 *
 * @param outerLr          {@code scale-out.outer-lr}; null = auto
 * @param outerMomentum    {@code scale-out.outer-momentum}; null = auto
 * @param nesterov         {@code scale-out.nesterov}: Nesterov (true) or heavy-ball momentum
 * @param globalBatchLimit {@code scale-out.global-batch-limit}; null = auto ({@link #globalBatchLimit(int, int)})
 * @param doublingSamples  {@code scale-out.doubling-samples}: samples between two doublings of the global batch
 */
public record ScaleOutSettings(Double outerLr, Double outerMomentum, boolean nesterov, Integer globalBatchLimit,
                               long doublingSamples) implements Serializable {

    /** The automatic limit's ceiling: the lower end of the late critical batch fitted in docs/performance.md. */
    public static final int AUTO_LIMIT_CEILING = 1024;

    static final Setting<Double> OUTER_LR = Setting.autoOrNumber("train.scale-out.outer-lr",
            v -> v == null || (v > 0 && v <= 64), "auto or a number in (0, 64]");
    static final Setting<Double> OUTER_MOMENTUM = Setting.autoOrNumber("train.scale-out.outer-momentum",
            v -> v == null || (v >= 0 && v < 1), "auto or a number in [0, 1)");
    static final Setting<Boolean> NESTEROV = Setting.flag("train.scale-out.nesterov");
    static final Setting<Double> GLOBAL_BATCH_LIMIT = Setting.autoOrNumber("train.scale-out.global-batch-limit",
            v -> v == null || v >= 1, "auto or a number of samples, 1 or more");
    static final Setting<Long> DOUBLING_SAMPLES = Setting.count("train.scale-out.doubling-samples", v -> v >= 0,
            "a count of samples, 0 (no growth) or more");

    public ScaleOutSettings {
        OUTER_LR.check(outerLr);
        OUTER_MOMENTUM.check(outerMomentum);
        GLOBAL_BATCH_LIMIT.check(globalBatchLimit == null ? null : globalBatchLimit.doubleValue());
        DOUBLING_SAMPLES.check(doublingSamples);
    }

    /**
     * The largest global batch of {@code workers} workers: the set limit, or N x batch-size up to
     * {@link #AUTO_LIMIT_CEILING}; never below batch-size (the first epoch's).
     */
    public int globalBatchLimit(int batchSize, int workers) {
        int limit = globalBatchLimit != null ? globalBatchLimit
                : (int) Math.min(AUTO_LIMIT_CEILING, (long) workers * batchSize);
        return Math.max(batchSize, limit);
    }

    /** The global batch, epoch by epoch, of {@code workers} workers over epochs of {@code epochSamples}. */
    public BatchSchedule schedule(TrainSettings train, int workers, long epochSamples) {
        return new BatchSchedule(train.batchSize(), workers, globalBatchLimit(train.batchSize(), workers),
                doublingSamples, epochSamples, train.epochs(), train.distribution().averagingFrequency());
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
     * number of workers, since outer momentum raised accuracy a little but made the boxes noisier
     * (docs/performance.md). {@code workers} does not change the answer today; callers pass it so that a rule
     * per worker count needs no change of theirs.
     */
    public Outer resolve(int workers) {
        return new Outer(outerLr != null ? outerLr : 1.0, outerMomentum != null ? outerMomentum : 0.0, nesterov);
    }

    static ScaleOutSettings from(Config root) {
        Double limit = GLOBAL_BATCH_LIMIT.read(root);
        return new ScaleOutSettings(OUTER_LR.read(root), OUTER_MOMENTUM.read(root), NESTEROV.read(root),
                limit == null ? null : (int) Math.round(limit), DOUBLING_SAMPLES.read(root));
    }
}
