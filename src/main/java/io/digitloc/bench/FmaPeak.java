package io.digitloc.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's measured float32 peak: independent fused multiply-adds on the widest vectors the JVM
 * offers, on every core at once. Twelve accumulators hide the FMA's latency (4 cycles, two pipes on
 * current x86 cores). A training step's GFLOP/s is judged against this, not against a datasheet.
 * Loaded only when the JVM has {@code --add-modules=jdk.incubator.vector} (see {@link #available()}).
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 12;

    private FmaPeak() {
    }

    public static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Vector width in floats. */
    public static int lanes() {
        return SPECIES.length();
    }

    /** GFLOP/s of {@code threads} threads each running {@code iterations} rounds of twelve FMAs; best of three. */
    public static double gflops(int threads, long iterations) {
        double best = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            run(pool, threads, iterations / 10); // compiled before timing
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                run(pool, threads, iterations);
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, flops(threads, iterations) / seconds / 1e9);
            }
        } finally {
            pool.shutdownNow();
        }
        return best;
    }

    static double flops(int threads, long iterations) {
        return 2.0 * threads * iterations * ACCUMULATORS * SPECIES.length();
    }

    private static void run(ExecutorService pool, int threads, long iterations) {
        List<Future<Float>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parts.add(pool.submit(() -> kernel(iterations)));
        }
        for (Future<Float> f : parts) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("FMA kernel failed", e);
            }
        }
    }

    /** Returns the accumulators' sum so that the JIT cannot drop the loop. */
    static float kernel(long iterations) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999999f);
        FloatVector b = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(SPECIES, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
