package io.digitloc.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JVM-wide switches that must be set before ND4J/DL4J load, in every JVM that trains (driver,
 * executors): conf/spark-defaults*.conf passes the same properties to executors.
 * <ul>
 *   <li>{@value #HELPERS_PROPERTY}=false: DL4J ships its oneDNN/cuDNN layer helpers switched off by
 *       default; with them (and {@link org.nd4j.nativeblas.Nd4jCpu}) convolutions run 6x faster.</li>
 *   <li>{@value #PLATFORM_EXTENSION}=-onednn-avx512 on CPUs with AVX-512, so JavaCPP loads the
 *       oneDNN build of the CPU backend; other CPUs keep the plain build.</li>
 * </ul>
 * A value the user already set is never overridden.
 */
public final class NativeSetup {
    public static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String AVX512_NATIVES = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn-avx512/";

    private NativeSetup() {
    }

    public static synchronized void configure() {
        setIfAbsent(HELPERS_PROPERTY, "false");
        if (System.getProperty(PLATFORM_EXTENSION) == null && cpuHasAvx512()
                && NativeSetup.class.getClassLoader().getResource(AVX512_NATIVES) != null) {
            System.setProperty(PLATFORM_EXTENSION, "-onednn-avx512");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** AVX-512 Foundation as the Linux kernel reports it; false elsewhere. */
    static boolean cpuHasAvx512() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (!Files.isReadable(cpuinfo)) {
                return false;
            }
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    return (" " + line + " ").contains(" avx512f ");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
