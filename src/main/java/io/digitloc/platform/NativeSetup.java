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
            // the CUDA build: refuse a GPU its natives carry no code for (docs/GPU.md) before any kernel
            // launch; JavaCPP finds the one (-cudnn) native build on its own
            GpuSupport.check();
        } else if (System.getProperty(PLATFORM_EXTENSION) == null) {
            System.setProperty(PLATFORM_EXTENSION, chooseExtension(cpuFlags()));
        }
    }

    /**
     * Caps ND4J's native threads per calling thread (OpenMP and BLAS), so that tasks running side
     * by side in one executor do not oversubscribe its cores; 0 leaves ND4J's default.
     */
    public static void limitThreads(int threads) {
        if (threads > 0) {
            org.nd4j.linalg.factory.Environment env = org.nd4j.linalg.factory.Nd4j.getEnvironment();
            env.setMaxThreads(threads);
            env.setMaxMasterThreads(threads);
        }
    }

    private static volatile boolean blasQuiet;

    /**
     * Runs ND4J's BLAS calls (the dense layers' matrix products) on the calling thread: OpenBLAS's own
     * worker threads, which ND4J starts one per core, spin in {@code sched_yield} for a while after
     * every product and took much of a core from the convolutions and the Java passes of a step
     * (docs/BENCHMARKS.md, "Closing the gap to torch.compile"). The products are small (batch x 3,136 x 128).
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
