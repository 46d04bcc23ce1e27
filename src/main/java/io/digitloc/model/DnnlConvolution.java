package io.digitloc.model;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.pointers.PagedPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * A stride-1, unpadded convolution with bias on oneDNN's own primitives (JavaCPP's {@code dnnl}
 * preset), on channels-last activations. libnd4j's {@code conv2d_bp} builds its primitives on every
 * call and copies the input and the output's gradient into a blocked layout first, into temporaries
 * that are fresh memory each time (page faults). Here the forward, backward-data and backward-weights
 * primitives are made once per shape and thread ({@link #of}), the activations stay channels-last
 * (the primitives are asked for exactly that), and only the small weight tensors are reordered, into
 * buffers kept with the primitives. Nothing is allocated per call.
 * Activations are [batch, h, w, channels] memory, weights DL4J's [out, in, kH, kW], bias [out].
 */
final class DnnlConvolution {
    /** A primitive's argument (DNNL_ARG_*) and its memory's descriptor. */
    private record Arg(int arg, dnnl_memory_desc_t md) {
    }

    /** The weights' argument, the query for the layout the primitive chose, and whether it writes them. */
    private record Weights(int arg, int query, boolean written) {
    }

    /** The shape a set of primitives is made for. */
    record Shape(long batch, long height, long width, long in, long out, long kernelHeight, long kernelWidth) {
        long outHeight() {
            return height - kernelHeight + 1;
        }

        long outWidth() {
            return width - kernelWidth + 1;
        }
    }

    private static final boolean AVAILABLE = load();
    private static dnnl_engine engine;
    /** Primitives and their memory objects are used by one thread at a time: one set per thread, shape and thread count. */
    private static final ThreadLocal<Map<Key, DnnlConvolution>> BY_THREAD = ThreadLocal.withInitial(HashMap::new);

    private final dnnl_stream stream = new dnnl_stream();
    private final Bound forward;
    private final Bound backwardData;
    private final Bound backwardWeights;

    /** Whether oneDNN's library loaded here (it is the CPU build's; anything else uses libnd4j's ops). */
    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        try {
            dnnl_engine e = new dnnl_engine();
            check(dnnl_engine_create(e, dnnl_cpu, 0), "engine");
            engine = e;
            return true;
        } catch (Throwable t) { // no such library for this platform, or no CPU engine
            return false;
        }
    }

    /**
     * This thread's primitives for the shape at the task's thread cap ({@code NativeSetup.threads}), made
     * on first use. oneDNN sizes a primitive's scratch space for the threads it may use when it is made,
     * so a primitive is kept per thread count and runs only with the count it was made for.
     */
    static DnnlConvolution of(Shape shape) {
        int threads = io.digitloc.platform.NativeSetup.threadsOnThisThread();
        return BY_THREAD.get().computeIfAbsent(new Key(shape, threads), k -> new DnnlConvolution(k.shape()));
    }

    private record Key(Shape shape, int threads) {
    }

    private DnnlConvolution(Shape s) {
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
        long[] src = {s.batch(), s.in(), s.height(), s.width()};
        long[] weights = {s.out(), s.in(), s.kernelHeight(), s.kernelWidth()};
        long[] bias = {s.out()};
        long[] dst = {s.batch(), s.out(), s.outHeight(), s.outWidth()};
        dnnl_memory_desc_t srcMd = md(src, dnnl_nhwc);
        dnnl_memory_desc_t dstMd = md(dst, dnnl_nhwc);
        dnnl_memory_desc_t userWeights = md(weights, dnnl_oihw);
        dnnl_memory_desc_t anyWeights = md(weights, dnnl_format_tag_any); // with plain oihw oneDNN runs its reference code
        dnnl_memory_desc_t biasMd = md(bias, dnnl_x);
        long[] strides = {1, 1};
        long[] padding = {0, 0};

        dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
        check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct, srcMd, anyWeights,
                biasMd, dstMd, strides, padding, padding), "forward descriptor");
        dnnl_primitive_desc fpd = primitiveDesc(new const_dnnl_op_desc_t(fd), null);
        forward = new Bound(fpd, new Arg(DNNL_ARG_SRC, srcMd), new Arg(DNNL_ARG_DST, dstMd),
                new Arg(DNNL_ARG_BIAS, biasMd), new Weights(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, false), userWeights);

        dnnl_convolution_desc_t bd = new dnnl_convolution_desc_t();
        check(dnnl_convolution_backward_data_desc_init(bd, dnnl_convolution_direct, srcMd, anyWeights, dstMd, strides,
                padding, padding), "backward-data descriptor");
        backwardData = new Bound(primitiveDesc(new const_dnnl_op_desc_t(bd), fpd), new Arg(DNNL_ARG_DIFF_DST, dstMd),
                new Arg(DNNL_ARG_DIFF_SRC, srcMd), null, new Weights(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, false),
                userWeights);

        dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
        check(dnnl_convolution_backward_weights_desc_init(wd, dnnl_convolution_direct, srcMd, anyWeights, biasMd, dstMd,
                strides, padding, padding), "backward-weights descriptor");
        backwardWeights = new Bound(primitiveDesc(new const_dnnl_op_desc_t(wd), fpd), new Arg(DNNL_ARG_SRC, srcMd),
                new Arg(DNNL_ARG_DIFF_DST, dstMd), new Arg(DNNL_ARG_DIFF_BIAS, biasMd),
                new Weights(DNNL_ARG_DIFF_WEIGHTS, dnnl_query_diff_weights_md, true), userWeights);
    }

    /** z = conv(x, w) + b. */
    void forward(INDArray x, INDArray w, INDArray b, INDArray z) {
        forward.run(stream, x, w, b, z);
        check(dnnl_stream_wait(stream), "wait");
    }

    /** dx, dw and db from x, w and the output's gradient dz. */
    void backward(INDArray x, INDArray w, INDArray dz, INDArray dx, INDArray dw, INDArray db) {
        backwardData.run(stream, dz, w, null, dx);
        backwardWeights.run(stream, x, dw, db, dz);
        check(dnnl_stream_wait(stream), "wait");
    }

    /**
     * One primitive and its four arguments: two activations (channels-last, the user's memory itself), the
     * weights (through a buffer in the primitive's own layout and a reorder, before the call for weights read,
     * after it for weights written) and optionally the bias.
     */
    private final class Bound {
        private final dnnl_primitive primitive = new dnnl_primitive();
        private final dnnl_exec_arg_t args;
        private final int count;
        private final dnnl_memory first;
        private final dnnl_memory userWeights;
        private final dnnl_memory bias;
        private final dnnl_memory last;
        private final dnnl_memory ownWeights; // null when the primitive takes the user's layout
        private final BytePointer ownWeightsStorage;
        private final dnnl_primitive reorder;
        private final dnnl_exec_arg_t reorderArgs;
        private final boolean weightsWritten;

        Bound(dnnl_primitive_desc pd, Arg firstArg, Arg lastArg, Arg biasArg, Weights w, dnnl_memory_desc_t userWeightsMd) {
            check(dnnl_primitive_create(primitive, pd), "primitive");
            boolean weightsWritten = w.written();
            this.weightsWritten = weightsWritten;
            first = memory(firstArg.md(), null);
            last = memory(lastArg.md(), null);
            userWeights = memory(userWeightsMd, null);
            bias = biasArg == null ? null : memory(biasArg.md(), null);
            dnnl_memory_desc_t chosen = new dnnl_memory_desc_t();
            Pointer.memcpy(chosen, dnnl_primitive_desc_query_md(pd, w.query(), 0), chosen.sizeof());
            if (dnnl_memory_desc_equal(chosen, userWeightsMd) == 1) {
                ownWeights = null;
                ownWeightsStorage = null;
                reorder = null;
                reorderArgs = null;
            } else {
                long bytes = dnnl_memory_desc_get_size(chosen);
                ownWeightsStorage = new BytePointer(bytes + 64);
                ownWeights = memory(chosen, aligned(ownWeightsStorage, bytes));
                reorder = new dnnl_primitive();
                dnnl_primitive_desc rpd = new dnnl_primitive_desc();
                check(weightsWritten ? dnnl_reorder_primitive_desc_create(rpd, chosen, engine, userWeightsMd, engine, null)
                        : dnnl_reorder_primitive_desc_create(rpd, userWeightsMd, engine, chosen, engine, null), "reorder");
                check(dnnl_primitive_create(reorder, rpd), "reorder primitive");
                reorderArgs = args(DNNL_ARG_FROM, weightsWritten ? ownWeights : userWeights,
                        DNNL_ARG_TO, weightsWritten ? userWeights : ownWeights);
            }
            dnnl_memory weights = ownWeights == null ? userWeights : ownWeights;
            count = bias == null ? 3 : 4;
            args = bias == null ? args(firstArg.arg(), first, w.arg(), weights, lastArg.arg(), last)
                    : args(firstArg.arg(), first, w.arg(), weights, biasArg.arg(), bias, lastArg.arg(), last);
        }

        void run(dnnl_stream stream, INDArray a, INDArray w, INDArray b, INDArray c) {
            handle(first, a);
            handle(userWeights, w);
            if (bias != null) {
                handle(bias, b);
            }
            handle(last, c);
            if (reorder != null && !weightsWritten) {
                check(dnnl_primitive_execute(reorder, stream, 2, reorderArgs), "weights reorder");
            }
            check(dnnl_primitive_execute(primitive, stream, count, args), "convolution");
            if (reorder != null && weightsWritten) {
                check(dnnl_primitive_execute(reorder, stream, 2, reorderArgs), "weights reorder");
            }
        }
    }

    private static dnnl_primitive_desc primitiveDesc(const_dnnl_op_desc_t op, dnnl_primitive_desc hint) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, op, null, engine, hint), "primitive descriptor");
        return pd;
    }

    private static dnnl_memory_desc_t md(long[] dims, int tag) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return md;
    }

    private static dnnl_memory memory(dnnl_memory_desc_t md, Pointer data) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine, data), "memory");
        return m;
    }

    private static dnnl_exec_arg_t args(Object... pairs) {
        dnnl_exec_arg_t a = new dnnl_exec_arg_t(pairs.length / 2);
        for (int i = 0; i < pairs.length / 2; i++) {
            a.position(i).arg((Integer) pairs[2 * i]).memory((dnnl_memory) pairs[2 * i + 1]);
        }
        return a.position(0);
    }

    /** Points the memory object at the array's first element; the array must be dense float in row-major order. */
    private static void handle(dnnl_memory m, INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("oneDNN convolution needs dense row-major memory, got " + a.shapeInfoToString());
        }
        // the buffer's own start plus the array's offset: for views into a flat parameter vector, ND4J's
        // addressPointer() already includes the offset (as its address or as its position), platformAddress() never
        check(dnnl_memory_set_data_handle(m, new PagedPointer(a.data().platformAddress() + a.offset() * Float.BYTES)),
                "data handle");
    }

    /** Float elements in row-major order with no gaps (the strides of dimensions of size 1 do not matter). */
    static boolean dense(INDArray a) {
        if (a.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            return false;
        }
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) {
                return false;
            }
            expected *= a.size(i);
        }
        return true;
    }

    /** The first 64-byte aligned {@code bytes} of storage (which the caller keeps reachable). */
    private static Pointer aligned(BytePointer raw, long bytes) {
        long pad = (64 - (raw.address() & 63)) & 63;
        return new BytePointer(raw).position(pad).capacity(bytes);
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }
}
