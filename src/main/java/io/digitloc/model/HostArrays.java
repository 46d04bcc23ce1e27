package io.digitloc.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * ND4J arrays as plain float buffers, for the fast layers' Java passes
 * ({@link AveragePooling2x2Layer}, {@link FastConvolutionLayer}).
 */
final class HostArrays {
    /**
     * The arrays' buffers are their memory only on the CPU backend; on CUDA the layers run ND4J's own
     * kernels instead (same function). Not final so that tests can run that path on a CPU.
     */
    static boolean hostMemory = Nd4j.getBackend().getClass().getName().contains(".cpu.");

    private HostArrays() {
    }

    /** The [batch, channels, height, width] array itself when it is dense, row-major float, else such a copy. */
    static INDArray contiguousFloat(INDArray a) {
        if (a.rank() != 4) {
            throw new IllegalStateException("expected a [batch, channels, height, width] array, not "
                    + Arrays.toString(a.shape()));
        }
        INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        boolean dense = f.ordering() == 'c' && f.elementWiseStride() == 1;
        return dense ? f : f.dup('c');
    }

    /** Whether the array's elements lie in its buffer in row-major order with no gaps. */
    static boolean isDenseRowMajor(INDArray a) {
        return a.ordering() == 'c' && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a);
    }

    /**
     * Whether the [batch, channels, height, width] float array is channels-last memory seen through
     * {@code permute(0, 3, 1, 2)}: its buffer from its offset holds [batch, height, width, channels] densely.
     */
    static boolean channelsLast(INDArray a) {
        if (a.rank() != 4 || a.dataType() != DataType.FLOAT) {
            return false;
        }
        long[] s = a.shape();
        long[] st = a.stride();
        return s[1] > 1 && st[1] == 1 && st[3] == s[1] && st[2] == s[1] * s[3] && st[0] == s[1] * s[2] * s[3];
    }

    /** The float array's bytes from its first element on, in the machine's byte order (for the Vector API passes). */
    static ByteBuffer bytes(INDArray a) {
        ByteBuffer b = a.data().asNio().duplicate();
        b.position(Math.toIntExact(a.offset() * Float.BYTES));
        return b.slice().order(ByteOrder.nativeOrder());
    }

    /**
     * The [batch, channels, height, width] array as dense float [batch, height, width, channels] memory:
     * a channels-last view itself (no copy), anything else copied into that layout.
     */
    static INDArray channelsLastMemory(INDArray a) {
        INDArray last = (a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT)).permute(0, 2, 3, 1);
        return isDenseRowMajor(last) ? last : last.dup('c');
    }

    /** The array's elements as a buffer starting at its first element. */
    static FloatBuffer floats(INDArray a) {
        FloatBuffer all = a.data().asNioFloat();
        all.position(Math.toIntExact(a.offset()));
        return all.slice();
    }
}
