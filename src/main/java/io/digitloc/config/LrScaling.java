package io.digitloc.config;

import java.io.Serializable;

/**
 * How the learning rate follows the global batch when N workers each fit their own mini-batch (the global
 * batch grows with N): a factor on every rate of the schedule, reached by a linear ramp from 1 over
 * {@code rampIterations} counted iterations (gradual warm-up, Goyal et al. 2017) that begins when the
 * global batch grows, after the scale-out warm-up's {@code startIteration}s at batch-size.
 *
 * @param factor         the rate's multiplier once ramped: 1 (no scaling), k (linear) or sqrt(k), where
 *                       k = global batch / train.batch-size
 * @param startIteration counted iteration (a worker's steps as the engine counts them) where the ramp begins
 * @param rampIterations counted iterations of the ramp
 */
public record LrScaling(double factor, long startIteration, long rampIterations) implements Serializable {

    /** No scaling: the schedule as configured. */
    public static final LrScaling NONE = new LrScaling(1, 0, 0);

    public LrScaling {
        if (!(factor > 0) || startIteration < 0 || rampIterations < 0) {
            throw new IllegalArgumentException("factor " + factor + ", start " + startIteration + ", ramp " + rampIterations);
        }
    }

    /**
     * The scaling for {@code workers} workers fitting {@code workerBatch} each against the configured
     * {@code batchSize}: none while the global batch is batch-size (one worker, or the shared batch), else
     * the settings' rule ramped over their ramp's samples from the end of their warm-up (which ends with the
     * first epoch of {@code epochSamples} at the latest).
     */
    public static LrScaling of(ScaleOutSettings scaleOut, int batchSize, int workers, int workerBatch, long epochSamples) {
        return of(scaleOut.lrRule(), (long) workers * workerBatch, batchSize,
                Math.min(epochSamples, scaleOut.warmup(workers)), scaleOut.lrRamp());
    }

    /**
     * The scaling of {@code rule} for a global batch {@code globalBatch} against the configured
     * {@code batchSize}, ramped over {@code rampSamples} samples of the global batch after
     * {@code startSamples} fitted at batch-size.
     */
    public static LrScaling of(ScaleOutSettings.LrRule rule, long globalBatch, int batchSize, long startSamples,
                               long rampSamples) {
        double k = (double) globalBatch / batchSize;
        double factor = switch (rule) {
            case NONE -> 1;
            case LINEAR -> k;
            case SQRT -> Math.sqrt(k);
        };
        if (factor == 1) {
            return NONE;
        }
        return new LrScaling(factor, startSamples / globalBatch, (rampSamples + globalBatch - 1) / globalBatch);
    }

    /** The multiplier at counted iteration {@code iteration}: 1 to the ramp's start, {@link #factor} from its end. */
    public double multiplier(long iteration) {
        long into = iteration - startIteration;
        if (into >= rampIterations) {
            return factor;
        }
        return into <= 0 ? 1 : 1 + (factor - 1) * into / rampIterations;
    }

    /** The counted iteration where the rate reaches {@link #factor}. */
    public long endIteration() {
        return startIteration + rampIterations;
    }

    /** For logs and results: "as configured", or the factor and the iterations of its ramp. */
    public String describe() {
        return isNone() ? "as configured"
                : String.format("x %.2f, ramped over iterations %d-%d", factor, startIteration, endIteration());
    }

    public boolean isNone() {
        return factor == 1;
    }
}
