package io.digitloc.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits the planes of a plain-Java layer pass over as many threads as ND4J may use, so the Java
 * passes scale as the native kernels do: two on a 2-core machine alone, one per Spark task when
 * {@code local[N]} gives each task a core ({@code platform.NativeSetup.limitThreads}).
 */
final class PlaneChunks {
    /** Work on planes {@code first} (inclusive) to {@code end} (exclusive). */
    interface Range {
        void run(int first, int end);
    }

    private PlaneChunks() {
    }

    static void run(int planes, Range body) {
        int threads = Math.min(planes, io.digitloc.platform.NativeSetup.threads());
        if (threads == 1) {
            body.run(0, planes);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int first = (int) ((long) planes * t / threads);
            int end = (int) ((long) planes * (t + 1) / threads);
            tasks.add(ForkJoinPool.commonPool().submit(() -> body.run(first, end)));
        }
        body.run(0, planes / threads); // the calling thread takes the first chunk
        tasks.forEach(ForkJoinTask::join);
    }
}
