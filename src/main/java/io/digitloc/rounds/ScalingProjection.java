package io.digitloc.rounds;

/**
 * Projects the speed-up of N executors from measured round phases (docs/SCALING.md shows the arithmetic).
 * With the batch shared out, a round of {@code frequency} steps holds the same samples whatever N, so
 * <pre>
 *   compute(N)  = frequency x stepSeconds / N                    (each worker fits 1/N of each step)
 *   transfer(N) = N x bytesPerWorker / bandwidth                  (the driver's link: N results in, N states out)
 *   overhead(N) = fixedSeconds + perWorkerSeconds x N + transfer(N)
 *   speed-up(N) = E(N) x (compute(1) + overhead(1)) / (compute(N) + overhead(N))
 * </pre>
 * {@code fixedSeconds} is what a round costs whatever N (job launch, the driver's step),
 * {@code perWorkerSeconds} what each worker adds at the driver (result deserialisation, aggregation).
 *
 * @param stepSeconds      one optimiser step of the whole batch on one executor
 * @param frequency        steps per round
 * @param fixedSeconds     per-round cost independent of N
 * @param perWorkerSeconds per-round cost per worker at the driver, beyond the bytes on the wire
 * @param bytesPerWorker   parameters and state one worker receives (and sends) per round
 */
public record ScalingProjection(double stepSeconds, int frequency, double fixedSeconds, double perWorkerSeconds,
                                double bytesPerWorker) {

    public double compute(int executors) {
        return frequency * stepSeconds / executors;
    }

    public double overhead(int executors, double gbitPerSecond) {
        double transfer = executors * bytesPerWorker * 8 / (gbitPerSecond * 1e9);
        return fixedSeconds + perWorkerSeconds * executors + transfer;
    }

    /** Time-to-target speed-up of {@code executors} over one, at statistical efficiency {@code efficiency}. */
    public double speedup(int executors, double efficiency, double gbitPerSecond) {
        return efficiency * (compute(1) + overhead(1, gbitPerSecond))
                / (compute(executors) + overhead(executors, gbitPerSecond));
    }
}
