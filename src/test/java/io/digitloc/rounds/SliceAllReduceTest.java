package io.digitloc.rounds;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workers' all-reduce without Spark: N threads joined by in-memory mailboxes. */
class SliceAllReduceTest {
    /** Mailboxes of N workers: one queue per (receiver, sender, tag). */
    static final class Mesh {
        final int size;
        final long timeoutMillis;
        final Map<String, LinkedBlockingQueue<float[]>> boxes = new ConcurrentHashMap<>();
        final long[] floatsSent;

        Mesh(int size, long timeoutMillis) {
            this.size = size;
            this.timeoutMillis = timeoutMillis;
            this.floatsSent = new long[size];
        }

        LinkedBlockingQueue<float[]> box(int to, int from, int tag) {
            return boxes.computeIfAbsent(to + "/" + from + "/" + tag, k -> new LinkedBlockingQueue<>());
        }

        SliceAllReduce.Peers peer(int self) {
            return new SliceAllReduce.Peers() {
                public int self() {
                    return self;
                }

                public int size() {
                    return size;
                }

                public void send(int to, int tag, float head, float[] values, int from, int length) {
                    float[] m = new float[length + 1];
                    m[0] = head;
                    System.arraycopy(values, from, m, 1, length);
                    floatsSent[self] += length;
                    box(to, self, tag).add(m);
                }

                public float[] receive(int from, int tag) throws TimeoutException, InterruptedException {
                    float[] m = box(self, from, tag).poll(timeoutMillis, TimeUnit.MILLISECONDS);
                    if (m == null) {
                        throw new TimeoutException("nothing from " + from);
                    }
                    return m;
                }
            };
        }
    }

    private static List<float[]> run(Mesh mesh, float[][] values, float[] weights, int round) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(mesh.size);
        try {
            List<Future<float[]>> out = new ArrayList<>();
            for (int w = 0; w < mesh.size; w++) {
                int worker = w;
                out.add(pool.submit(() -> {
                    float[] v = values[worker].clone();
                    SliceAllReduce.mean(mesh.peer(worker), round, v, weights[worker]);
                    return v;
                }));
            }
            List<float[]> results = new ArrayList<>();
            for (Future<float[]> f : out) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyWorkerEndsWithTheWeightedMeanOfTheBusyOnes() throws Exception {
        int n = 3;
        int length = 1_001; // slices of 333, 334, 334
        Random r = new Random(3);
        float[][] values = new float[n][length];
        for (float[] v : values) {
            for (int i = 0; i < length; i++) {
                v[i] = (float) r.nextGaussian();
            }
        }
        float[] weights = {1, 0, 1}; // worker 1 fitted nothing this round
        Mesh mesh = new Mesh(n, 5_000);
        List<float[]> results = run(mesh, values, weights, 7);
        for (int i = 0; i < length; i++) {
            float expected = (values[0][i] + values[2][i]) / 2;
            for (float[] got : results) {
                assertThat(got[i]).isEqualTo(expected); // the same sum in the same order: exact
            }
        }
        // each worker sent 2 (N - 1) / N of the array
        for (long sent : mesh.floatsSent) {
            assertThat((double) sent).isCloseTo(2.0 * (n - 1) / n * length, org.assertj.core.data.Offset.offset(2.0));
        }
        assertThat(SliceAllReduce.bytesPerWorker(length, n)).isEqualTo(4L * 2 * 2 * length / 3);
    }

    @Test
    void identicalWorkersKeepTheirValuesExactly() throws Exception {
        float[] v = {1.1f, -2.3f, 3e-7f, 5f, 0.1f};
        List<float[]> results = run(new Mesh(2, 5_000), new float[][] {v, v}, new float[] {1, 1}, 0);
        assertThat(results.get(0)).containsExactly(v);
        assertThat(results.get(1)).containsExactly(v);
    }

    @Test
    void oneWorkerHasNothingToExchange() throws Exception {
        float[] v = {1, 2, 3};
        Mesh mesh = new Mesh(1, 10);
        assertThat(SliceAllReduce.mean(mesh.peer(0), 0, v, 1)).isEqualTo(1.0);
        assertThat(v).containsExactly(1, 2, 3);
    }

    @Test
    void aSilentPeerFailsTheAverageAfterTheTimeout() {
        Mesh mesh = new Mesh(2, 200);
        // worker 1 never takes part
        assertThatThrownBy(() -> SliceAllReduce.mean(mesh.peer(0), 0, new float[] {1, 2}, 1))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void slicesCoverTheArrayWithoutGaps() {
        for (int parts = 1; parts <= 8; parts++) {
            assertThat(SliceAllReduce.sliceStart(10, parts, 0)).isZero();
            assertThat(SliceAllReduce.sliceStart(10, parts, parts)).isEqualTo(10);
            for (int p = 0; p < parts; p++) {
                int len = SliceAllReduce.sliceStart(10, parts, p + 1) - SliceAllReduce.sliceStart(10, parts, p);
                assertThat(len).isBetween(10 / parts, 10 / parts + 1);
            }
        }
    }
}
