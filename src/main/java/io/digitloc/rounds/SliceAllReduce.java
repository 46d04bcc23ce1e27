package io.digitloc.rounds;

import java.util.concurrent.TimeoutException;

/**
 * The weighted mean of N workers' flat arrays, computed between the workers themselves (Spark-free):
 * a reduce-scatter, then an all-gather, over N slices of the array. Worker j owns slice j: every worker
 * sends it its weighted slice j, worker j adds the N contributions in worker order (so the result does
 * not depend on which message came first) and divides by the weights' sum, then sends the mean slice
 * to every other worker. Each worker sends and receives 2 (N - 1) / N of the array, whatever N, as in
 * BigDL's {@code AllReduceParameter}. A weight of 0 is a worker that fitted nothing this round: it
 * receives the mean without diluting it (dl4j-spark's round also averages only the busy workers).
 */
public final class SliceAllReduce {
    /** Scatter and gather messages of one round carry distinct tags. */
    static final int SCATTER = 0;
    static final int GATHER = 1;

    private SliceAllReduce() {
    }

    /** How the workers reach each other; a message is a tag, its sender and floats. */
    public interface Peers {
        int self();

        int size();

        /** Sends {@code values[from, from + length)}, prefixed by {@code head}, to worker {@code to}. */
        void send(int to, int tag, float head, float[] values, int from, int length);

        /**
         * The message {@code tag} of worker {@code from}: its head at index 0, then its values. Waits for
         * it; throws when it does not come within the exchange's timeout or the peer is lost.
         */
        float[] receive(int from, int tag) throws TimeoutException, InterruptedException;
    }

    /** Start of slice {@code part} of {@code parts} over {@code length} values (slice sizes differ by at most 1). */
    public static int sliceStart(int length, int parts, int part) {
        return (int) ((long) length * part / parts);
    }

    /**
     * Replaces {@code values} by the workers' weighted mean, {@code sum(w_i x_i) / sum(w_i)}, in place; the
     * round's messages are tagged from {@code round}. Returns the weights' sum (0: no worker had weight,
     * values then left as they were).
     */
    public static double mean(Peers peers, int round, float[] values, float weight)
            throws TimeoutException, InterruptedException {
        int n = peers.size();
        int me = peers.self();
        if (n == 1) {
            return weight;
        }
        int scatter = 2 * round + SCATTER;
        int gather = 2 * round + GATHER;
        for (int j = 0; j < n; j++) {
            if (j != me) {
                int from = sliceStart(values.length, n, j);
                int len = sliceStart(values.length, n, j + 1) - from;
                peers.send(j, scatter, weight, scaled(values, from, len, weight), 0, len);
            }
        }
        int mine = sliceStart(values.length, n, me);
        int mineLength = sliceStart(values.length, n, me + 1) - mine;
        float[] sum = new float[mineLength];
        float weights = 0;
        for (int i = 0; i < n; i++) {
            if (i == me) {
                for (int k = 0; k < mineLength; k++) {
                    sum[k] += weight * values[mine + k];
                }
                weights += weight;
            } else {
                float[] m = peers.receive(i, scatter);
                for (int k = 0; k < mineLength; k++) {
                    sum[k] += m[k + 1];
                }
                weights += m[0];
            }
        }
        if (weights > 0) {
            for (int k = 0; k < mineLength; k++) {
                values[mine + k] = sum[k] / weights;
            }
        }
        for (int j = 0; j < n; j++) {
            if (j != me) {
                peers.send(j, gather, weights, values, mine, mineLength);
            }
        }
        for (int i = 0; i < n; i++) {
            if (i != me) {
                float[] m = peers.receive(i, gather);
                if (m[0] > 0) {
                    System.arraycopy(m, 1, values, sliceStart(values.length, n, i), m.length - 1);
                }
            }
        }
        return weights;
    }

    /**
     * Bytes each worker sends in one {@link #mean} of {@code length} floats among {@code workers} (as many
     * come in): its N - 1 slices out, then its own mean slice to N - 1 peers.
     */
    public static long bytesPerWorker(long length, int workers) {
        return workers <= 1 ? 0 : 4L * 2 * (workers - 1) * length / workers;
    }

    private static float[] scaled(float[] values, int from, int length, float weight) {
        float[] out = new float[length];
        for (int k = 0; k < length; k++) {
            out[k] = weight * values[from + k];
        }
        return out;
    }
}
