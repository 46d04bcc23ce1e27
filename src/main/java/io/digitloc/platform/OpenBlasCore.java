package io.digitloc.platform;

import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Which kernels OpenBLAS (ND4J's BLAS: the dense layers' matrix products) runs. The OpenBLAS that
 * ND4J 1.0.0-M2.1 bundles (0.3.19) picks its kernels from the CPU's family and model, and on CPUs
 * newer than it (Intel family 6 model 207, for one) it falls back to its SSE3 "Prescott" kernels,
 * several times slower than the AVX-512 ones the same CPU can run (docs/performance.md). Before
 * OpenBLAS loads, {@link #chooseBeforeLoad} names the kernels from the CPU's feature flags instead,
 * through {@code OPENBLAS_CORETYPE}, which OpenBLAS reads once as it loads. A value the user set is
 * left alone.
 * <p>
 * Setting a variable of the running process takes libc's {@code setenv}, here through the JDK's
 * incubating foreign-function API: the JVM needs {@code --add-modules=jdk.incubator.foreign
 * --enable-native-access=ALL-UNNAMED} (conf/spark/common.conf passes both to the driver and the
 * executors). Without them the choice is logged and OpenBLAS detects as it would.
 */
public final class OpenBlasCore {
    public static final String VARIABLE = "OPENBLAS_CORETYPE";
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasCore.class);

    private OpenBlasCore() {
    }

    /** The OpenBLAS kernels a CPU with these flags runs best ("" = leave OpenBLAS's own detection). */
    static String choose(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            return "SkylakeX";
        }
        if (flags.containsAll(Set.of("avx2", "fma"))) {
            return "Haswell";
        }
        return "";
    }

    /**
     * Sets {@value #VARIABLE} from the CPU's flags unless the user set it or OpenBLAS is already
     * loaded (it would no longer read it). Returns what it set, if anything.
     */
    static Optional<String> chooseBeforeLoad(Set<String> flags) {
        String core = choose(flags);
        if (core.isEmpty() || System.getenv(VARIABLE) != null) {
            return Optional.empty();
        }
        if (loaded()) {
            LOG.warn("OpenBLAS was loaded before {} could be set: its own CPU detection stands", VARIABLE);
            return Optional.empty();
        }
        try {
            Libc.setenv(VARIABLE, core);
            return Optional.of(core);
        } catch (Throwable e) { // the module or the native-access flag missing: OpenBLAS detects on its own
            LOG.warn("Cannot set {}={} ({}); start the JVM with --add-modules=jdk.incubator.foreign "
                    + "--enable-native-access=ALL-UNNAMED, or set it in the environment", VARIABLE, core, e.toString());
            return Optional.empty();
        }
    }

    /** The kernels the loaded OpenBLAS runs (its {@code openblas_get_corename}), or empty if it cannot be asked. */
    public static Optional<String> loadedCore() {
        try {
            return Optional.of(Libc.openblasCoreName());
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** Whether this process has mapped an OpenBLAS library. */
    static boolean loaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libopenblas");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The two native calls, apart so that a JVM without the foreign API fails only here. */
    private static final class Libc {
        static void setenv(String name, String value) throws Throwable {
            MethodHandle setenv = CLinker.getInstance().downcallHandle(CLinker.systemLookup().lookup("setenv").orElseThrow(),
                    MethodType.methodType(int.class, MemoryAddress.class, MemoryAddress.class, int.class),
                    FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT));
            try (ResourceScope scope = ResourceScope.newConfinedScope()) {
                int rc = (int) setenv.invokeExact(CLinker.toCString(name, scope).address(),
                        CLinker.toCString(value, scope).address(), 0);
                if (rc != 0) {
                    throw new IllegalStateException("setenv returned " + rc);
                }
            }
        }

        static String openblasCoreName() throws Throwable {
            // JavaCPP loads OpenBLAS through System.load from this class loader, so its symbols are in reach
            MethodHandle corename = CLinker.getInstance().downcallHandle(
                    SymbolLookup.loaderLookup().lookup("openblas_get_corename").orElseThrow(),
                    MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
            return CLinker.toJavaString((MemoryAddress) corename.invokeExact());
        }
    }
}
