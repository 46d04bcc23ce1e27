package io.digitloc.config;

import java.io.Serializable;

/**
 * The global batch of a run, epoch by epoch, and how N workers share it. It starts at
 * {@code train.batch-size} and doubles every {@code doublingSamples} samples (at the start of the epoch
 * that passes them) up to {@code limit}: early in training the gradient's noise scale is small and any
 * larger batch wastes samples; later it is large and a big batch costs few (McCandlish et al. 2018;
 * Smith et al. 2017). Each of the phase's workers fits at least {@link #MIN_WORKER_BATCH} samples a step
 * where the global batch allows, so while it is small fewer than N workers fit (the others only take
 * part in the averages). The learning rate follows the global batch by the square-root rule, Adam's
 * (Malladi et al. 2022): a step of k times the samples is sqrt(k) times as long.
 *
 * @param batchSize       {@code train.batch-size}: the first epoch's global batch
 * @param workers         the workers a barrier stage can hold (Spark task slots)
 * @param limit           the largest global batch (at least batchSize)
 * @param doublingSamples samples between doublings; 0 = the global batch stays batchSize
 * @param epochSamples    samples of one epoch (the train split's canvases)
 * @param epochs          epochs of the run
 * @param frequency       {@code averaging-frequency}: steps a worker takes per round
 */
public record BatchSchedule(int batchSize, int workers, int limit, long doublingSamples, long epochSamples,
                            int epochs, int frequency) implements Serializable {

    /**
     * A worker's smallest step: below it a worker's cores starve, and its steps between two averages, each at its
     * own small batch, are too noisy (eight workers of 8 need over 1.6 times the samples: docs/performance.md), so a
     * small global batch goes to fewer workers instead of being cut thinner.
     */
    public static final int MIN_WORKER_BATCH = 32;

    /** One epoch's global batch, the workers that fit it and each one's mini-batch. */
    public record Phase(int globalBatch, int workers, int workerBatch) implements Serializable {
    }

    public BatchSchedule {
        if (batchSize < 1 || workers < 1 || limit < batchSize || doublingSamples < 0 || epochSamples < 1
                || epochs < 1 || frequency < 1) {
            throw new IllegalArgumentException("batch " + batchSize + ", workers " + workers + ", limit " + limit
                    + ", doubling " + doublingSamples + ", epoch " + epochSamples + ", epochs " + epochs
                    + ", frequency " + frequency);
        }
    }

    /** {@code epoch}'s phase (1-based; epochs past the plan keep its last). */
    public Phase phase(int epoch) {
        long seen = (long) (Math.max(1, epoch) - 1) * epochSamples;
        int doublings = doublingSamples == 0 ? 0 : (int) Math.min(30, seen / doublingSamples);
        int global = (int) Math.min(limit, (long) batchSize << doublings);
        int least = Math.min(MIN_WORKER_BATCH, batchSize);
        int fitting = Math.max(1, Math.min(workers, global / least));
        return new Phase(global, fitting, (global + fitting - 1) / fitting);
    }

    /** The factor on the configured learning rate in {@code epoch}: sqrt(global batch / batch-size). */
    public double rateFactor(int epoch) {
        return Math.sqrt((double) phase(epoch).globalBatch() / batchSize);
    }

    /**
     * Counted steps of {@code epoch}: its rounds x frequency, with an epoch cut into mini-batches of the
     * phase's worker batch and rounds of its workers x frequency of them (dl4j-spark's count).
     */
    public long countedSteps(int epoch) {
        Phase p = phase(epoch);
        long batches = (epochSamples + p.workerBatch() - 1) / p.workerBatch();
        return Math.max(1, batches / ((long) p.workers() * frequency)) * frequency;
    }

    /** The run's steps and rate factors, epoch by epoch, for the learning-rate schedule. */
    public StepPlan steps() {
        long[] steps = new long[epochs];
        double[] factors = new double[epochs];
        for (int e = 1; e <= epochs; e++) {
            steps[e - 1] = countedSteps(e);
            factors[e - 1] = rateFactor(e);
        }
        return new StepPlan(steps, factors);
    }

    /** For logs: the phases where they change, e.g. "64 (2 x 32) from epoch 1, 128 (4 x 32) from epoch 3". */
    public String describe() {
        StringBuilder s = new StringBuilder();
        Phase last = null;
        for (int e = 1; e <= epochs; e++) {
            Phase p = phase(e);
            if (!p.equals(last)) {
                s.append(s.length() == 0 ? "" : ", ").append(String.format("%d (%d x %d) from epoch %d",
                        p.globalBatch(), p.workers(), p.workerBatch(), e));
                last = p;
            }
        }
        return "global batch " + s;
    }
}
