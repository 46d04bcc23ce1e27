package io.digitloc.platform;

import org.nd4j.linalg.factory.Nd4j;

/** A fresh JVM's view for {@link OpenBlasCoreTest}: set up as the jobs do, run one product, name OpenBLAS's kernels. */
public final class OpenBlasProbe {
    private OpenBlasProbe() {
    }

    public static void main(String[] args) {
        NativeSetup.configure();
        float sum = Nd4j.ones(4, 8).mmul(Nd4j.ones(8, 3)).sumNumber().floatValue();
        System.out.println("product " + sum);
        System.out.println("kernels " + OpenBlasCore.loadedCore().orElse("?"));
    }
}
