package io.digitloc.config;

import java.io.Serializable;

/**
 * How the learning rate follows the global batch when N workers each fit their own mini-batch (the global
 * batch grows with N): a factor on every rate of the schedule, reached by a linear ramp from 1 over the
 * first {@code rampIterations} counted iterations (gradual warm-up, Goyal et al. 2017), so the first
 * steps from random weights are not taken at the scaled rate.
 *
 * @param factor         the rate's multiplier once ramped: 1 (no scaling), k (linear) or sqrt(k), where
 *                       k = global batch / train.batch-size
 * @param rampIterations counted iterations (a worker's steps as {@link RoundPlan} counts them) of the ramp
 */
public record LrScaling(double factor, long rampIterations) implements Serializable {

    /** No scaling: the schedule as configured. */
    public static final LrScaling NONE = new LrScaling(1, 0);

    public LrScaling {
        if (!(factor > 0) || rampIterations < 0) {
            throw new IllegalArgumentException("factor " + factor + " and ramp " + rampIterations);
        }
    }

    /**
     * The scaling for {@code workers} workers fitting {@code workerBatch} each against the configured
     * {@code batchSize}: none while the global batch is batch-size (one worker, or the shared batch), else
     * the settings' rule ramped over their ramp's samples.
     */
    public static LrScaling of(ScaleOutSettings scaleOut, int batchSize, int workers, int workerBatch) {
        return of(scaleOut.lrRule(), (long) workers * workerBatch, batchSize, scaleOut.lrRamp());
    }

    /**
     * The scaling of {@code rule} for a global batch {@code globalBatch} against the configured
     * {@code batchSize}, ramped over {@code rampSamples} samples of the global batch.
     */
    public static LrScaling of(ScaleOutSettings.LrRule rule, long globalBatch, int batchSize, long rampSamples) {
        double k = (double) globalBatch / batchSize;
        double factor = switch (rule) {
            case NONE -> 1;
            case LINEAR -> k;
            case SQRT -> Math.sqrt(k);
        };
        if (factor == 1) {
            return NONE;
        }
        return new LrScaling(factor, (rampSamples + globalBatch - 1) / globalBatch);
    }

    /** The multiplier at counted iteration {@code iteration}: 1 at 0, {@link #factor} from the ramp's end. */
    public double multiplier(long iteration) {
        if (iteration >= rampIterations) {
            return factor;
        }
        return 1 + (factor - 1) * iteration / rampIterations;
    }

    public boolean isNone() {
        return factor == 1;
    }
}
