package io.digitloc.platform;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The per-task thread cap: ND4J's own (which does not hold) and ours, down to each thread's OpenMP. */
class NativeThreadsTest {
    private NativeOps ops;
    private Environment env;

    @BeforeEach
    void loadNd4j() {
        NativeSetup.configure();
        env = Nd4j.getEnvironment(); // ND4J's backend first: its native ops are not reachable before it loads
        ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        assumeTrue(env.maxThreads() >= 2, "needs 2 threads by default to tell a cap of 1 from none");
    }

    @Test
    void ndfoursOwnCapDoesNothingInThisVersion() {
        int before = env.maxThreads();
        try {
            env.setMaxThreads(1);
            assertThat(env.maxThreads()).isEqualTo(before); // DL4J 1.0.0-M2.1: why NativeSetup keeps the cap itself
        } finally {
            env.setMaxThreads(before); // should a later ND4J honour it, the other tests keep every core
        }
    }

    @Test
    void theCapReachesEachTaskThreadsOpenMpThroughThreadsOnThisThread() throws Exception {
        int before = NativeSetup.threads();
        ExecutorService pool = Executors.newSingleThreadExecutor(); // one thread, reused, as Spark's task threads are
        try {
            NativeSetup.limitThreads(1);
            assertThat(NativeSetup.threads()).isEqualTo(1);
            assertThat(ops.ompGetMaxThreads()).isEqualTo(1); // the thread that set it
            // OpenMP's count is per thread: another thread still runs its calls on every core...
            assertThat(pool.submit(ops::ompGetMaxThreads).get()).isGreaterThan(1);
            // ...until it applies the cap, as DnnlConvolution does before each call
            assertThat(pool.submit(NativeSetup::threadsOnThisThread).get()).isEqualTo(1);
            assertThat(pool.submit(ops::ompGetMaxThreads).get()).isEqualTo(1);

            NativeSetup.limitThreads(2); // a later cap (the one-worker warm-up's) reaches the same thread too
            assertThat(pool.submit(NativeSetup::threadsOnThisThread).get()).isEqualTo(2);
            assertThat(pool.submit(ops::ompGetMaxThreads).get()).isEqualTo(2);
        } finally {
            NativeSetup.limitThreads(before);
            pool.shutdownNow();
        }
    }
}
