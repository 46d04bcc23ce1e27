package io.digitloc.config;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Where a run's counted optimiser steps fall: how many each epoch counts (as the engine counts them:
 * {@code averaging-frequency} per round) and the factor on the learning rate in it (the global batch's
 * rule). The learning-rate schedule reads it to turn a step into a point of the run, so that decay and
 * warm-up follow samples even when an epoch's step count changes with its batch.
 *
 * @param steps   counted steps of each epoch, first epoch first
 * @param factors the rate's factor in each epoch
 */
public record StepPlan(long[] steps, double[] factors) implements Serializable {

    public StepPlan {
        if (steps.length != factors.length || steps.length == 0) {
            throw new IllegalArgumentException(steps.length + " epochs of steps, " + factors.length + " factors");
        }
        steps = steps.clone();
        factors = factors.clone();
    }

    /** {@code epochs} epochs of {@code stepsPerEpoch} steps each, at the configured rate. */
    public static StepPlan uniform(long stepsPerEpoch, int epochs) {
        long[] steps = new long[Math.max(1, epochs)];
        double[] factors = new double[steps.length];
        Arrays.fill(steps, stepsPerEpoch);
        Arrays.fill(factors, 1);
        return new StepPlan(steps, factors);
    }

    public int epochs() {
        return steps.length;
    }

    /** The first counted step of {@code epoch} (1-based); {@code epochs() + 1} gives the total. */
    public long first(int epoch) {
        long sum = 0;
        for (int e = 0; e < Math.min(epoch - 1, steps.length); e++) {
            sum += steps[e];
        }
        return sum;
    }

    public long total() {
        return first(steps.length + 1);
    }

    /** Epochs done at {@code step}, fractions included (the epochs' count past the last step). */
    public double epochsAt(long step) {
        long from = 0;
        for (int e = 0; e < steps.length; e++) {
            if (step < from + steps[e]) {
                return e + (double) (step - from) / steps[e];
            }
            from += steps[e];
        }
        return steps.length;
    }

    /** The rate's factor at {@code step} (the last epoch's past the end). */
    public double factor(long step) {
        int epoch = (int) Math.min(steps.length - 1, Math.floor(epochsAt(step)));
        return factors[epoch];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepPlan p && Arrays.equals(steps, p.steps) && Arrays.equals(factors, p.factors);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(steps) + Arrays.hashCode(factors);
    }

    @Override
    public String toString() {
        return "StepPlan" + Arrays.toString(steps) + " x " + Arrays.toString(factors);
    }
}
