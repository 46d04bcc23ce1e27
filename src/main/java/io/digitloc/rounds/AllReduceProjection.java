package io.digitloc.rounds;

import io.digitloc.config.BatchSchedule;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Projects the time to a target on N executors from measured figures, phase by phase of the global
 * batch ({@link BatchSchedule}): in a phase, its k workers each fit b samples a step, and all N take part
 * in the average. The driver takes no part in a round.
 * <pre>
 *   compute(b)     = frequency x step(b)                       (one worker's measured step at that batch)
 *   transfer(N)    = 2 (N - 1) / N x stateBytes / bandwidth     (each worker's own link: reduce-scatter, all-gather)
 *   overhead(1)    = singleSeconds                              (measured: the stage's share, no exchange)
 *   overhead(N)    = fixedSeconds + transfer(N)                 (fixed: measured with 2+, the stage's share and
 *                                                                the exchange's latency and loopback transfer)
 *   rate(phase, N) = frequency x k x b / (compute(b) + overhead(N))                   samples a second
 *   seconds(N, S)  = sum over the phases of the samples fitted in each / rate          to S samples
 *   speed-up(N)    = seconds(1, S1) / seconds(N, S1 / E(N))     (S1: one worker's samples to the target)
 * </pre>
 *
 * @param stepSeconds   one optimiser step of one executor, by its mini-batch
 * @param singleSeconds per-round overhead of one executor
 * @param fixedSeconds  per-round overhead of several that does not grow with N (measured with its loopback
 *                      transfer left in: pessimistic)
 * @param stateBytes    what one average carries (measured: the parameters, Adam's state, the score)
 */
public record AllReduceProjection(int frequency, NavigableMap<Integer, Double> stepSeconds, double singleSeconds,
                                  double fixedSeconds, double stateBytes) {
    public AllReduceProjection {
        if (stepSeconds.isEmpty()) {
            throw new IllegalArgumentException("no measured step time");
        }
        stepSeconds = new TreeMap<>(stepSeconds);
    }

    /** As the canonical constructor, from any map of batch to step seconds. */
    public static AllReduceProjection of(int frequency, Map<Integer, Double> stepSeconds, double singleSeconds,
                                         double fixedSeconds, double stateBytes) {
        return new AllReduceProjection(frequency, new TreeMap<>(stepSeconds), singleSeconds, fixedSeconds, stateBytes);
    }

    /** A round's fitting at worker batch {@code batch} (a batch not measured: the nearest smaller one's time per sample). */
    public double compute(int batch) {
        Map.Entry<Integer, Double> at = stepSeconds.floorEntry(batch);
        if (at == null) {
            at = stepSeconds.ceilingEntry(batch);
        }
        return frequency * at.getValue() * batch / at.getKey();
    }

    public double overhead(int executors, double gbitPerSecond) {
        if (executors <= 1) {
            return singleSeconds;
        }
        return fixedSeconds + 2.0 * (executors - 1) / executors * stateBytes * 8 / (gbitPerSecond * 1e9);
    }

    /** Samples a second in {@code phase} with {@code executors} executors in the stage. */
    public double rate(BatchSchedule.Phase phase, int executors, double gbitPerSecond) {
        return (double) frequency * phase.workers() * phase.workerBatch()
                / (compute(phase.workerBatch()) + overhead(executors, gbitPerSecond));
    }

    /** Seconds of fitting to {@code samples} samples on {@code schedule}'s executors, phase by phase. */
    public double seconds(BatchSchedule schedule, double samples, double gbitPerSecond) {
        double seconds = 0;
        double left = samples;
        for (int epoch = 1; left > 0; epoch++) {
            double fitted = Math.min(left, schedule.epochSamples());
            seconds += fitted / rate(schedule.phase(epoch), schedule.workers(), gbitPerSecond);
            left -= fitted;
        }
        return seconds;
    }

    /**
     * Time-to-target speed-up of {@code schedule}'s executors over {@code one}'s single executor, at
     * statistical efficiency {@code efficiency}, for a target one executor reaches in {@code samples}.
     */
    public double speedup(BatchSchedule one, BatchSchedule schedule, double samples, double efficiency,
                          double gbitPerSecond) {
        return seconds(one, samples, gbitPerSecond) / seconds(schedule, samples / efficiency, gbitPerSecond);
    }
}
