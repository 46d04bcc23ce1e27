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
 * round whatever the round held. The learning-rate schedule sees that count, so the project keeps it
 * ({@code config.BatchSchedule} plans a run's steps the same way).
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
}
