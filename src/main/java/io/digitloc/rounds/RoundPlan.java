package io.digitloc.rounds;

import java.util.ArrayList;
import java.util.List;

/**
 * The step arithmetic of parameter averaging, Spark-free. An epoch's mini-batches are cut into rounds;
 * in a round each of N workers fits its share of the round's batches from the same parameters, then the
 * driver averages them.
 * <p>
 * dl4j-spark cuts an epoch of B batches into floor(B / (N x frequency)) rounds (at least one), the
 * remainder spread over them, and advances the network's iteration counter by {@code frequency} per
 * round whatever the round held. The learning-rate schedule sees that count, so the project keeps it:
 * a run planned with these figures keeps its schedule whichever master fits it.
 */
public final class RoundPlan {
    private RoundPlan() {
    }

    /** Rounds an epoch of {@code batches} mini-batches is cut into. */
    public static int rounds(long batches, int workers, int frequency) {
        return (int) Math.max(1, batches / ((long) workers * frequency));
    }

    /**
     * {@code batches} cut into {@link #rounds} rounds of sizes differing by at most one, in order, each dealt
     * round-robin to {@code workers} workers: result[round][worker]. A round smaller than N leaves some
     * workers empty (they do not take part in that round).
     */
    public static <T> List<List<List<T>>> cut(List<T> batches, int workers, int frequency) {
        int rounds = rounds(batches.size(), workers, frequency);
        List<List<List<T>>> out = new ArrayList<>(rounds);
        int from = 0;
        for (int r = 0; r < rounds; r++) {
            int size = batches.size() / rounds + (r < batches.size() % rounds ? 1 : 0);
            List<List<T>> round = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                round.add(new ArrayList<>());
            }
            for (int i = 0; i < size; i++) {
                round.get(i % workers).add(batches.get(from + i));
            }
            from += size;
            out.add(round);
        }
        return out;
    }

    /** Iterations the schedule counts for an epoch of {@code batches}: rounds x frequency (0 for none). */
    public static long countedSteps(long batches, int workers, int frequency) {
        return batches == 0 ? 0 : (long) rounds(batches, workers, frequency) * frequency;
    }

    /**
     * Counted steps of an epoch of {@code examples} in mini-batches of {@code batchSize}. E.g. 938
     * batches, 1 worker, frequency 64: 14 rounds, 896 counted steps for 938 fitted.
     */
    public static long countedStepsPerEpoch(long examples, int batchSize, int workers, int frequency) {
        return countedSteps((examples + batchSize - 1) / batchSize, workers, frequency);
    }

    /**
     * The iterations a one-worker warm-up of {@code warm} batches counts so that its epoch counts exactly
     * what N workers would have counted for the whole epoch: the epoch's count less what is counted for
     * the {@code rest} the N workers fit after it.
     */
    public static int warmupIterations(long warm, long rest, int workers, int frequency) {
        return (int) (countedSteps(warm + rest, workers, frequency) - countedSteps(rest, workers, frequency));
    }
}
