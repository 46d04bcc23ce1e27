package io.digitloc.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * A network's flat parameter and updater arrays copied to and from one Java array, once each way. On
 * the CPU backend a dense float array's buffer is its memory, read and written in bulk; elsewhere (CUDA)
 * through ND4J's own copies.
 */
final class FlatArrays {
    private static final boolean HOST = Nd4j.getBackend().getClass().getName().contains(".cpu.");

    private FlatArrays() {
    }

    /** Copies {@code a}'s elements into {@code dst} from {@code at}. */
    static void copyOut(INDArray a, float[] dst, int at) {
        int n = Math.toIntExact(a.length());
        if (direct(a)) {
            buffer(a).get(dst, at, n);
        } else {
            System.arraycopy(a.toFloatVector(), 0, dst, at, n);
        }
    }

    /** Copies {@code a.length()} elements of {@code src} from {@code at} into {@code a}. */
    static void copyIn(float[] src, int at, INDArray a) {
        int n = Math.toIntExact(a.length());
        if (direct(a)) {
            buffer(a).put(src, at, n);
        } else {
            a.assign(Nd4j.createFromArray(java.util.Arrays.copyOfRange(src, at, at + n)).reshape(a.shape()));
        }
    }

    private static boolean direct(INDArray a) {
        return HOST && a.dataType() == DataType.FLOAT && a.ordering() == 'c'
                && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a);
    }

    private static FloatBuffer buffer(INDArray a) {
        FloatBuffer all = a.data().asNioFloat();
        all.position(Math.toIntExact(a.offset()));
        return all.slice();
    }
}
