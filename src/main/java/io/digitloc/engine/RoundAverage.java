package io.digitloc.engine;

import io.digitloc.rounds.SliceAllReduce;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How a barrier worker's rounds are averaged: at once (the round waits for its average), or one round
 * late, overlapped with the next round's fitting (Overlap Local-SGD, CoCoD-SGD): the average of round r
 * travels while round r + 1 fits, and when it arrives the worker keeps its own progress since on top
 * of it, {@code state = average(r) + (state - sent(r))}. The workers' mean then moves exactly as the
 * mean of their progress, one round late. The last average of a stage is waited for, so every worker
 * ends the stage with the same state.
 * <p>
 * A flat state is the parameters, then Adam's state, then the score (its last element); the score is
 * averaged but never corrected: the worker's own stays in place until the next average.
 */
final class RoundAverage implements AutoCloseable {
    private final PeerLink link;
    private final boolean overlap;
    private final ExecutorService comm;
    private float[] sent;
    private float[] travelling;
    private Future<Double> pending;
    private float[] agreed;
    private int agreedRounds = -1;

    RoundAverage(PeerLink link, boolean overlap) {
        this.link = link;
        this.overlap = overlap;
        this.comm = overlap ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "digitloc-average");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * After round {@code round}'s fit: {@code values} (the worker's state) becomes what it fits on from,
     * the round's average, or, overlapped, the previous average plus its progress since; this round's
     * average starts travelling.
     */
    void after(int round, float[] values, float weight) throws Exception {
        if (!overlap) {
            SliceAllReduce.mean(link, round, values, weight);
            agreed = values;
            agreedRounds = round + 1;
            return;
        }
        if (pending != null) {
            await();
            int last = values.length - 1;
            for (int i = 0; i < last; i++) {
                values[i] = travelling[i] + (values[i] - sent[i]);
            }
            agreed = travelling.clone();
            agreedRounds = round;
        }
        sent = copy(values, sent);
        travelling = copy(values, travelling == null || agreed == travelling ? null : travelling);
        float[] out = travelling;
        pending = comm.submit(() -> SliceAllReduce.mean(link, round, out, weight));
    }

    /** {@link #finish} when {@code last}. */
    void finishIf(boolean last, float[] values, int rounds) throws Exception {
        if (last) {
            finish(values, rounds);
        }
    }

    /** Waits for the last average started and puts it into {@code values}; the stage's end. */
    void finish(float[] values, int rounds) throws Exception {
        if (overlap && pending != null) {
            await();
            System.arraycopy(travelling, 0, values, 0, values.length);
            agreed = values;
            agreedRounds = rounds;
        }
    }

    /** The latest state all workers agree on (a flat state), or null before the first average arrived. */
    float[] agreed() {
        return agreed;
    }

    /** Rounds the {@link #agreed} state holds. */
    int agreedRounds() {
        return agreedRounds;
    }

    private void await() throws Exception {
        try {
            pending.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } finally {
            pending = null;
        }
    }

    private static float[] copy(float[] from, float[] into) {
        float[] to = into != null && into.length == from.length ? into : new float[from.length];
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }

    @Override
    public void close() {
        if (comm != null) {
            comm.shutdownNow();
        }
    }
}
