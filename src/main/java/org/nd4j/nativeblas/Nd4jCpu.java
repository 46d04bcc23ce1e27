package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim, not part of ND4J. DL4J 1.0.0-M2/M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()}
 * looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()}, a binding that ND4J
 * renamed (now {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment#isUseONEDNN()}).
 * The failed lookup silently disables every oneDNN layer helper, and convolutions fall back to
 * im2col + gemm, several times slower (deeplearning4j#9417; docs/performance.md).
 * This class answers the
 * old lookup by forwarding to the new binding, reflectively so the CUDA build compiles without it.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** Answers {@code getInstance()} and {@code isUseMKLDNN()} as the old binding did. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the loaded CPU backend was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = env.getMethod("getInstance").invoke(null);
                Method use = env.getMethod("isUseONEDNN");
                return (Boolean) use.invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
