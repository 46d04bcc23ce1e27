package io.digitloc.rounds;

/**
 * The mean of the workers' parameters and updater states after a round, as flat float arrays (the
 * layout of a ComputationGraph's {@code params()} and its updater's state view). Every worker that
 * fitted at least one batch counts once, as in dl4j-spark; the score is the mean of their last scores.
 */
public final class WorkerMean {
    private float[] params;
    private float[] updater;
    private double score;
    private int count;

    /** Adds one worker's result; {@code updater} may be null (state kept on the workers, or an SGD updater). */
    public void add(float[] workerParams, float[] workerUpdater, double workerScore) {
        if (count == 0) {
            params = workerParams.clone();
            updater = workerUpdater == null ? null : workerUpdater.clone();
        } else {
            addInto(params, workerParams);
            if ((updater == null) != (workerUpdater == null)) {
                throw new IllegalArgumentException("some workers sent updater state and some did not");
            }
            if (updater != null) {
                addInto(updater, workerUpdater);
            }
        }
        score += workerScore;
        count++;
    }

    public int count() {
        return count;
    }

    /** The mean parameters (divides in place: call once). */
    public float[] params() {
        return divide(params);
    }

    /** The mean updater state, or null (divides in place: call once). */
    public float[] updater() {
        return updater == null ? null : divide(updater);
    }

    public double score() {
        return score / count;
    }

    private float[] divide(float[] sum) {
        if (count == 0) {
            throw new IllegalStateException("no worker fitted anything this round");
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= count;
        }
        return sum;
    }

    private static void addInto(float[] sum, float[] x) {
        if (sum.length != x.length) {
            throw new IllegalArgumentException("arrays of different lengths: " + sum.length + " and " + x.length);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += x[i];
        }
    }
}
