package io.digitloc.engine;

import io.digitloc.rounds.SliceAllReduce;

/**
 * A barrier worker's rounds averaged with its peers: each round waits for its average, so every worker
 * fits the next round from the same state. A flat state is the parameters, then Adam's state, then the
 * score (its last element). (Averaging one round late, overlapped with the next round's fitting, needed
 * 1.5-1.8x the samples to a target on two seeds: docs/performance.md.)
 */
final class RoundAverage {
    private final PeerLink link;
    private float[] agreed;
    private int agreedRounds = -1;

    RoundAverage(PeerLink link) {
        this.link = link;
    }

    /**
     * After round {@code round}'s fit: {@code values} (the worker's state, weighed by {@code weight}: 0 for a
     * worker that fitted nothing this round) becomes the round's average.
     */
    void after(int round, float[] values, float weight) throws Exception {
        SliceAllReduce.mean(link, round, values, weight);
        agreed = values;
        agreedRounds = round + 1;
    }

    /** The latest state all workers agree on (a flat state), or null before the first average. */
    float[] agreed() {
        return agreed;
    }

    /** Rounds the {@link #agreed} state holds. */
    int agreedRounds() {
        return agreedRounds;
    }
}
