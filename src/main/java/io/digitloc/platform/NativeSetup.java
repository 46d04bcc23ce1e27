package io.digitloc.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * JVM-wide switches that must be set before ND4J/DL4J load, in every JVM that trains (driver,
 * executors): conf/spark-defaults*.conf passes the same properties to executors.
 * <ul>
 *   <li>{@value #HELPERS_PROPERTY}=false: DL4J ships its oneDNN layer helpers switched off by
 *       default; with them (and {@link org.nd4j.nativeblas.Nd4jCpu}) convolutions run several times faster.</li>
 *   <li>{@value #PLATFORM_EXTENSION}: which build of the CPU backend JavaCPP loads. Left alone, JavaCPP
 *       tries every build on the classpath in its own order and may load one whose instructions this
 *       CPU lacks (SIGILL). We pick the best build present that the CPU can run:
 *       oneDNN+AVX-512, oneDNN+AVX2, oneDNN, then the plain build.</li>
 *   <li>{@value OpenBlasCore#VARIABLE}: OpenBLAS's kernels, from the CPU's flags ({@link OpenBlasCore}).</li>
 * </ul>
 * On the CUDA build neither applies (DL4J's cuDNN layer helpers are not published for 1.0.0-M2.x);
 * instead {@link GpuSupport#check()} refuses a GPU the natives carry no code for.
 * A value the user already set is never overridden.
 */
public final class NativeSetup {
    public static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    private static final String NATIVES = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64";

    private NativeSetup() {
    }

    public static synchronized void configure() {
        setIfAbsent(HELPERS_PROPERTY, "false");
        if (GpuSupport.cudaBackend()) {
            // the CUDA build: refuse a GPU its natives carry no code for (docs/deployment.md) before any kernel
            // launch; JavaCPP finds the one (-cudnn) native build on its own
            GpuSupport.check();
        } else {
            if (System.getProperty(PLATFORM_EXTENSION) == null) {
                System.setProperty(PLATFORM_EXTENSION, chooseExtension(cpuFlags()));
            }
            if (!blasCoreChosen) {
                blasCoreChosen = true;
                OpenBlasCore.chooseBeforeLoad(cpuFlags());
            }
        }
    }

    private static boolean blasCoreChosen;

    /** The threads a calling thread's native calls and Java passes may use; 0 = the library's default. */
    private static volatile int threadCap;

    /**
     * Caps the threads each calling thread's work may use (libnd4j's ops, oneDNN's convolutions, the
     * layers' Java passes), so that tasks running side by side in one executor do not oversubscribe
     * its cores; 0 leaves the default. ND4J's own cap ({@code Environment.setMaxThreads}) does nothing
     * in this version and reaches no other thread's OpenMP, so the cap is kept here
     * ({@link #threads}) and each thread applies it ({@link #threadsOnThisThread}).
     */
    public static void limitThreads(int threads) {
        if (threads > 0) {
            threadCap = threads;
            org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(threads); // libnd4j's op loops
            threadsOnThisThread();
        }
    }

    /** The cap of {@link #limitThreads}, or the library's default (OMP_NUM_THREADS, else every core). */
    public static int threads() {
        int cap = threadCap;
        return cap > 0 ? Math.min(cap, LibraryThreads.COUNT) : LibraryThreads.COUNT;
    }

    /** ND4J's thread count, read once (its setter does nothing): off the per-call path of {@link #threads}. */
    private static final class LibraryThreads {
        static final int COUNT = Math.max(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads());
    }

    /** The OpenMP thread count each thread last gave its own calls, 0 = never set. */
    private static final ThreadLocal<int[]> OMP_THREADS = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Gives the calling thread's OpenMP calls the cap of {@link #threads} and returns it. OpenMP keeps
     * a thread count per thread, and a thread that has set none (each Spark task thread, for a start)
     * runs a library that asks OpenMP, such as oneDNN through {@code model.DnnlConvolution}, on every
     * core. Call it before such a call; once set it costs a thread-local read.
     */
    public static int threadsOnThisThread() {
        int want = threads();
        int[] set = OMP_THREADS.get();
        if (set[0] != want) {
            org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(want);
            set[0] = want;
        }
        return want;
    }

    private static volatile boolean blasQuiet;

    /**
     * Runs ND4J's BLAS calls (the dense layers' matrix products) on the calling thread: OpenBLAS's own
     * worker threads, which ND4J starts one per core, spin in {@code sched_yield} for a while after
     * every product and took much of a core from the convolutions and the Java passes of a step
     * (docs/performance.md). The products are small (batch x 3,136 x 128).
     * Loads ND4J: call it where a network is built or restored. Does nothing on the CUDA build.
     */
    public static void blasOnCallingThread() {
        if (blasQuiet) {
            return;
        }
        synchronized (NativeSetup.class) {
            if (!blasQuiet && !GpuSupport.cudaBackend()) {
                org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(1);
            }
            blasQuiet = true;
        }
    }

    /** The best CPU-backend build on the classpath that a CPU with these flags can run ("" = plain). */
    static String chooseExtension(Set<String> flags) {
        boolean avx512 = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"));
        boolean avx2 = flags.containsAll(Set.of("avx2", "fma"));
        if (avx512 && present("-onednn-avx512")) {
            return "-onednn-avx512";
        }
        if (avx2 && present("-onednn-avx2")) {
            return "-onednn-avx2";
        }
        if (present("-onednn")) {
            return "-onednn";
        }
        return "";
    }

    private static boolean present(String extension) {
        return NativeSetup.class.getClassLoader().getResource(NATIVES + extension + "/") != null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The CPU's feature flags as the Linux kernel reports them; empty elsewhere. */
    static Set<String> cpuFlags() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("flags")) {
                        return new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown CPU: the portable build
        }
        return Set.of();
    }
}
