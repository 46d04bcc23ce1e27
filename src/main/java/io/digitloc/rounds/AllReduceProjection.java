package io.digitloc.rounds;

import io.digitloc.config.ScaleOutSettings;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Projects the barrier engine's speed-up on N executors from measured figures (the scaling records in
 * docs/records/ hold its inputs and results). The workers share the global batch B, each fitting b(N) = max(8, B / N) samples a step,
 * so past B / 8 workers the global batch grows to 8 N; or, with a batch per worker, b(N) = B up to a
 * global batch of L, then L shared out ({@link ScaleOutSettings#workerBatch}). The driver
 * takes no part in a round.
 * <pre>
 *   compute(N)  = frequency x step(b(N))                      (one worker's measured step at that batch)
 *   transfer(N) = 2 (N - 1) / N x stateBytes / bandwidth       (each worker's own link: reduce-scatter, all-gather)
 *   overhead(1) = singleSeconds                                (measured: the stage's share, no exchange)
 *   overhead(N) = fixedSeconds + transfer(N)                   (fixed: measured with 2+, the stage's share and
 *                                                               the exchange's latency and loopback transfer)
 *   samples(N)  = frequency x N x b(N)                         (per round)
 *   speed-up(N) = E(N) x samples(N) / samples(1) x (compute(1) + overhead(1)) / (compute(N) + overhead(N))
 * </pre>
 *
 * @param stepSeconds  one optimiser step of one executor, by its mini-batch
 * @param singleSeconds per-round overhead of one executor
 * @param fixedSeconds per-round overhead of several that does not grow with N (measured with its loopback
 *                     transfer left in: pessimistic)
 * @param stateBytes   what one average carries (measured: the parameters, Adam's state unless kept on
 *                     the workers, the score)
 * @param globalBatchLimit a batch per worker's limit L (train.scale-out.batch-rule = per-worker), 0 = the
 *                         shared batch
 */
public record AllReduceProjection(int frequency, int globalBatch, NavigableMap<Integer, Double> stepSeconds,
                                  double singleSeconds, double fixedSeconds, double stateBytes,
                                  int globalBatchLimit) {
    public AllReduceProjection {
        if (stepSeconds.isEmpty()) {
            throw new IllegalArgumentException("no measured step time");
        }
        stepSeconds = new TreeMap<>(stepSeconds);
    }

    /** As the canonical constructor, from any map of batch to step seconds. */
    public static AllReduceProjection of(int frequency, int globalBatch, Map<Integer, Double> stepSeconds,
                                         double singleSeconds, double fixedSeconds, double stateBytes) {
        return of(frequency, globalBatch, stepSeconds, singleSeconds, fixedSeconds, stateBytes, 0);
    }

    /** As {@link #of(int, int, Map, double, double, double)}, with a batch per worker up to {@code globalBatchLimit}. */
    public static AllReduceProjection of(int frequency, int globalBatch, Map<Integer, Double> stepSeconds,
                                         double singleSeconds, double fixedSeconds, double stateBytes,
                                         int globalBatchLimit) {
        return new AllReduceProjection(frequency, globalBatch, new TreeMap<>(stepSeconds), singleSeconds, fixedSeconds,
                stateBytes, globalBatchLimit);
    }

    /** Each of {@code executors} workers' mini-batch. */
    public int workerBatch(int executors) {
        return globalBatchLimit > 0 ? ScaleOutSettings.perWorkerBatch(globalBatch, globalBatchLimit, executors)
                : ScaleOutSettings.sharedBatch(globalBatch, executors);
    }

    public double compute(int executors) {
        int b = workerBatch(executors);
        Map.Entry<Integer, Double> at = stepSeconds.floorEntry(b);
        if (at == null) {
            at = stepSeconds.ceilingEntry(b);
        }
        // a batch not measured: the nearest smaller one's time per sample
        return frequency * at.getValue() * b / at.getKey();
    }

    public double overhead(int executors, double gbitPerSecond) {
        if (executors <= 1) {
            return singleSeconds;
        }
        return fixedSeconds + 2.0 * (executors - 1) / executors * stateBytes * 8 / (gbitPerSecond * 1e9);
    }

    /** Time-to-target speed-up of {@code executors} over one, at statistical efficiency {@code efficiency}. */
    public double speedup(int executors, double efficiency, double gbitPerSecond) {
        double samples = (double) executors * workerBatch(executors) / workerBatch(1);
        return efficiency * samples * (compute(1) + overhead(1, gbitPerSecond))
                / (compute(executors) + overhead(executors, gbitPerSecond));
    }
}
