package io.digitloc.core;

/**
 * An exponential moving average of a network's flat parameters, weighted by training samples rather
 * than by calls: after {@code n} more samples the old average keeps a weight of {@code exp(-n / tau)},
 * so the average is the same whether the driver hears every round's parameters or every eighth. The
 * first parameters heard start it (no bias towards the untrained network). Calls may come from the
 * thread that hears the workers' averages, and reads from the driver's: both are synchronised.
 */
public final class WeightAverage {
    private final double tauSamples;
    private float[] average;

    /** @param tauSamples the average's time constant in training samples (positive) */
    public WeightAverage(double tauSamples) {
        if (!(tauSamples > 0) || !Double.isFinite(tauSamples)) {
            throw new IllegalArgumentException("the time constant must be a positive number of samples, not " + tauSamples);
        }
        this.tauSamples = tauSamples;
    }

    /** Takes in {@code params}, reached after {@code samples} training samples more than the last ones heard. */
    public synchronized void observe(float[] params, long samples) {
        if (average == null) {
            average = params.clone();
            return;
        }
        if (params.length != average.length) {
            throw new IllegalArgumentException(params.length + " parameters, but the average holds " + average.length);
        }
        if (samples <= 0) {
            return;
        }
        float keep = (float) Math.exp(-samples / tauSamples);
        float take = 1 - keep;
        for (int i = 0; i < average.length; i++) {
            average[i] = keep * average[i] + take * params[i];
        }
    }

    /** Starts again from {@code params} (a resumed run's saved average). */
    public synchronized void restart(float[] params) {
        average = params.clone();
    }

    /** Whether any parameters have been heard. */
    public synchronized boolean started() {
        return average != null;
    }

    /** A copy of the average. */
    public synchronized float[] average() {
        if (average == null) {
            throw new IllegalStateException("no parameters heard yet");
        }
        return average.clone();
    }
}
