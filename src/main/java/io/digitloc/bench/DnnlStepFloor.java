package io.digitloc.bench;

import io.digitloc.bench.Dnnl.Buf;
import io.digitloc.config.NetworkSettings;
import io.digitloc.config.TrainSettings;
import io.digitloc.platform.NativeSetup;
import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_softmax_desc_t;
import org.bytedeco.dnnl.dnnl_stream;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.digitloc.bench.Dnnl.check;
import static io.digitloc.bench.Dnnl.md;
import static io.digitloc.bench.Dnnl.query;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * LocalizerNet's training step (forward, backward, Adam) as one fixed sequence of oneDNN primitives,
 * built once for a batch: what the step costs with nothing but the library's kernels in it (the floor).
 * Three blocks of 3x3 convolution (bias and ReLU as post-ops) and 2x2 average pooling, a 128-unit inner
 * product with ReLU, and the two heads (10-way inner product + softmax, 4-way inner product).
 * Activations live in the layouts the primitives choose ({@code format_tag::any}); a reorder is added
 * only where a consumer wants another layout than its producer gave. The parameters, their gradients
 * and Adam's state are plain (DL4J's own layouts, {@link #setParameter}): the input is reordered in,
 * each weight into the layout its primitives chose, and each weight gradient out to plain.
 * The two losses and Adam are plain Java: oneDNN has no loss or optimiser primitive.
 */
public final class DnnlStepFloor {
    static final int CANVAS = 75;
    static final int[] FILTERS = {16, 32, 64};
    static final int KERNEL = 3;
    static final int POOL = 2;
    static final int DENSE = 128;
    static final int CLASSES = 10;
    static final int BOX = 4;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    private static final long[] ONES = {1, 1};
    private static final long[] ZEROS = {0, 0};
    private static final long[] TWOS = {POOL, POOL};

    /** One entry of the sequence: a primitive, or a Java pass (loss, Adam), timed under its layer and kind. */
    private record Op(String layer, String kind, String implementation, dnnl_primitive primitive,
                      dnnl_exec_arg_t args, int count, Runnable java) {
    }

    /** A trained tensor: its place in the flat plain storage and memory objects over its value and gradient. */
    private record Param(long offset, long count, Buf value, Buf gradient) {
    }

    /** What a convolution block's backward pass needs of its forward one. */
    private record Block(String conv, String pool, dnnl_primitive_desc convPd, dnnl_primitive_desc poolPd, Buf src,
                         Buf y, Buf pooled, long[][] dims) {
    }

    /** What an inner product's backward pass needs of its forward one. */
    private record Dense(String layer, dnnl_primitive_desc pd, Buf src, Buf dst, long[] srcDims, long[] weightDims) {
    }

    private final Dnnl dnnl = new Dnnl();
    private final dnnl_stream stream = new dnnl_stream();
    private final int batch;
    private final NetworkSettings.BoxLoss boxLoss;
    private final float boxWeight;
    private final float learningRate;
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Buf values;
    private final Buf gradients;
    private final FloatBuffer valueFloats;
    private final FloatBuffer gradientFloats;
    private final float[] m;
    private final float[] v;
    private final List<Op> forward = new ArrayList<>();
    private final List<Op> backward = new ArrayList<>();
    private final List<Op> update = new ArrayList<>();
    /** Where {@link #add} appends: the forward list, then the backward one. */
    private List<Op> current = forward;
    /** Gradient reorders to append after the backward-weights primitive that writes their source. */
    private final List<Op> pendingOut = new ArrayList<>();
    /** Each weight's copies in the layouts its primitives chose (refreshed from the plain values every step). */
    private final Map<String, List<Buf>> weightCopies = new LinkedHashMap<>();
    private final float[] classLabels;
    private final float[] boxLabels;
    private Buf input;
    private FloatBuffer probabilities;
    private FloatBuffer boxes;
    private FloatBuffer classGradient;
    private FloatBuffer boxGradient;
    private int iteration;
    private double loss;

    /** The sequence for {@code batch} canvases of {@value #CANVAS} pixels, with {@code train}'s box loss and rate. */
    public DnnlStepFloor(int batch, TrainSettings train) {
        this.batch = batch;
        this.boxLoss = train.network().boxLoss();
        this.boxWeight = (float) train.network().boxLossWeight();
        this.learningRate = (float) train.optimiser().learningRate();
        this.classLabels = new float[batch * CLASSES];
        this.boxLabels = new float[batch * BOX];
        NativeSetup.threadsOnThisThread(); // oneDNN sizes a primitive's scratch space for the threads it may use
        check(dnnl_stream_create(stream, dnnl.engine, dnnl_stream_default_flags), "stream");
        long total = layOut();
        values = dnnl.buf(md(new long[] {total}, dnnl_x));
        gradients = dnnl.buf(md(new long[] {total}, dnnl_x));
        valueFloats = values.floats();
        gradientFloats = gradients.floats();
        m = new float[(int) total];
        v = new float[(int) total];
        bindParams();
        build();
    }

    /** The parameters' names (DL4J's: {@code conv1_W}, {@code conv1_b}, ..., {@code bounding_box_b}), in order. */
    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }

    /** Places every parameter in the flat storage, each at a 64-byte boundary; returns the floats needed. */
    private long layOut() {
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long count = 1;
            for (long d : e.getValue()) {
                count *= d;
            }
            params.put(e.getKey(), new Param(offset, count, null, null));
            offset += (count + 15) / 16 * 16;
        }
        return offset;
    }

    /** Each parameter's oneDNN dimensions (weights: outputs first), in DL4J's order of layers. */
    private static Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int in = 1;
        for (int b = 0; b < FILTERS.length; b++) {
            shapes.put("conv" + (b + 1) + "_W", new long[] {FILTERS[b], in, KERNEL, KERNEL});
            shapes.put("conv" + (b + 1) + "_b", new long[] {FILTERS[b]});
            in = FILTERS[b];
        }
        int side = finalSide();
        shapes.put("dense_W", new long[] {DENSE, in, side, side});
        shapes.put("dense_b", new long[] {DENSE});
        shapes.put("classification_W", new long[] {CLASSES, DENSE});
        shapes.put("classification_b", new long[] {CLASSES});
        shapes.put("bounding_box_W", new long[] {BOX, DENSE});
        shapes.put("bounding_box_b", new long[] {BOX});
        return shapes;
    }

    static int finalSide() {
        int side = CANVAS;
        for (int b = 0; b < FILTERS.length; b++) {
            side = (side - KERNEL + 1) / POOL;
        }
        return side;
    }

    /**
     * Memory objects over each parameter's slice of the flat storage, in DL4J's layouts: convolution weights
     * [out, in, kH, kW] (oihw); dense weights [in, out] row-major, where in runs over (channel, row, column)
     * as DL4J flattens NCHW maps; biases [out].
     */
    private void bindParams() {
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long[] d = e.getValue();
            dnnl_memory_desc_t plain = d.length == 1 ? md(d, dnnl_x)
                    : d.length == 2 ? Dnnl.strided(d, new long[] {1, d[0]})
                    : e.getKey().startsWith("dense") ? Dnnl.strided(d, new long[] {1, d[2] * d[3] * d[0], d[3] * d[0], d[0]})
                    : md(d, dnnl_oihw);
            Param p = params.get(e.getKey());
            params.put(e.getKey(), new Param(p.offset(), p.count(),
                    dnnl.view(plain, values.data(), p.offset() * Float.BYTES, p.count() * Float.BYTES),
                    dnnl.view(plain, gradients.data(), p.offset() * Float.BYTES, p.count() * Float.BYTES)));
        }
    }

    private void build() {
        input = dnnl.buf(md(new long[] {batch, 1, CANVAS, CANVAS}, dnnl_nchw));
        List<Block> blocks = new ArrayList<>();
        Buf x = input;
        int channels = 1;
        int side = CANVAS;
        for (int b = 0; b < FILTERS.length; b++) {
            Block block = convolutionForward(b, x, channels, side);
            blocks.add(block);
            x = block.pooled();
            channels = FILTERS[b];
            side = (side - KERNEL + 1) / POOL;
        }
        Dense dense = innerProductForward("dense", x, new long[] {batch, channels, side, side}, DENSE, true);
        Buf h = dense.dst();
        Dense classification = innerProductForward("classification", h, new long[] {batch, DENSE}, CLASSES, false);
        Dense box = innerProductForward("bounding_box", h, new long[] {batch, DENSE}, BOX, false);
        boxes = box.dst().floats();
        probabilities = softmax(classification.dst()).floats();
        forward.add(new Op("losses", "loss (Java)", "java", null, null, 0, this::losses));
        current = backward;
        Buf classDiff = dnnl.buf(classification.dst().md());
        Buf boxDiff = dnnl.buf(box.dst().md());
        classGradient = classDiff.floats();
        boxGradient = boxDiff.floats();
        Buf dh = sum(innerProductBackward(classification, classDiff), innerProductBackward(box, boxDiff));
        Buf dx = innerProductBackward(dense, reluBackward("dense", h, dh));
        for (int b = blocks.size() - 1; b >= 0; b--) {
            dx = convolutionBackward(blocks.get(b), dx);
        }
        update.add(new Op("all", "Adam (Java)", "java", null, null, 0, this::adam));
    }

    private Block convolutionForward(int index, Buf in, int channels, int side) {
        String conv = "conv" + (index + 1);
        int filters = FILTERS[index];
        int out = side - KERNEL + 1;
        long[] srcDims = {batch, channels, side, side};
        long[] weightDims = {filters, channels, KERNEL, KERNEL};
        long[] yDims = {batch, filters, out, out};
        long[] pooledDims = {batch, filters, out / POOL, out / POOL};
        dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
        check(dnnl_convolution_forward_desc_init(d, dnnl_forward_training, dnnl_convolution_direct, any(srcDims),
                any(weightDims), md(new long[] {filters}, dnnl_x), any(yDims), ONES, ZEROS, ZEROS), conv + " forward");
        dnnl_primitive_desc pd = dnnl.pd(d, Dnnl.relu(), null);
        // the canvas batch arrives plain: always one reorder in, even where the layouts agree (then a copy)
        Buf src = adapt(conv, in, query(pd, dnnl_query_src_md, 0), index == 0);
        Buf w = weightsIn(conv, conv + "_W", query(pd, dnnl_query_weights_md, 0));
        Buf bias = weightsIn(conv, conv + "_b", query(pd, dnnl_query_weights_md, 1));
        Buf y = dnnl.buf(query(pd, dnnl_query_dst_md, 0));
        add(conv, "convolution forward (+bias, ReLU)", pd, DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, w, DNNL_ARG_BIAS, bias,
                DNNL_ARG_DST, y);
        String pool = "pool" + (index + 1);
        dnnl_pooling_desc_t p = new dnnl_pooling_desc_t();
        check(dnnl_pooling_forward_desc_init(p, dnnl_forward_training, dnnl_pooling_avg_exclude_padding, y.md(),
                any(pooledDims), TWOS, TWOS, ZEROS, ZEROS), pool + " forward");
        dnnl_primitive_desc ppd = dnnl.pd(p, null, null);
        Buf pooled = dnnl.buf(query(ppd, dnnl_query_dst_md, 0));
        add(pool, "pooling forward (avg)", ppd, DNNL_ARG_SRC, y, DNNL_ARG_DST, pooled);
        return new Block(conv, pool, pd, ppd, src, y, pooled, new long[][] {srcDims, weightDims, yDims, pooledDims});
    }

    /** An inner product (with ReLU as a post-op for the dense layer; plain [batch, outputs] output for a head). */
    private Dense innerProductForward(String layer, Buf in, long[] srcDims, int outputs, boolean relu) {
        long[] weightDims = srcDims.clone();
        weightDims[0] = outputs;
        long[] dstDims = {batch, outputs};
        dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
        check(dnnl_inner_product_forward_desc_init(d, dnnl_forward_training, any(srcDims), any(weightDims),
                md(new long[] {outputs}, dnnl_x), relu ? any(dstDims) : md(dstDims, dnnl_nc)), layer + " forward");
        dnnl_primitive_desc pd = dnnl.pd(d, relu ? Dnnl.relu() : null, null);
        Buf src = adapt(layer, in, query(pd, dnnl_query_src_md, 0), false);
        Buf w = weightsIn(layer, layer + "_W", query(pd, dnnl_query_weights_md, 0));
        Buf bias = weightsIn(layer, layer + "_b", query(pd, dnnl_query_weights_md, 1));
        Buf dst = dnnl.buf(query(pd, dnnl_query_dst_md, 0));
        add(layer, relu ? "inner product forward (+bias, ReLU)" : "inner product forward (+bias)", pd,
                DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, w, DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst);
        return new Dense(layer, pd, src, dst, srcDims, weightDims);
    }

    private Buf softmax(Buf logits) {
        dnnl_softmax_desc_t d = new dnnl_softmax_desc_t();
        check(dnnl_softmax_forward_desc_init(d, dnnl_forward_training, logits.md(), 1), "softmax");
        dnnl_primitive_desc pd = dnnl.pd(d, null, null);
        Buf p = dnnl.buf(query(pd, dnnl_query_dst_md, 0));
        add("classification", "softmax forward", pd, DNNL_ARG_SRC, logits, DNNL_ARG_DST, p);
        return p;
    }

    /** Weight and bias gradients (out to plain), then the input's gradient; returns the latter. */
    private Buf innerProductBackward(Dense f, Buf diffDst) {
        String layer = f.layer();
        long[] biasDims = {f.weightDims()[0]};
        dnnl_inner_product_desc_t w = new dnnl_inner_product_desc_t();
        check(dnnl_inner_product_backward_weights_desc_init(w, any(f.srcDims()), any(f.weightDims()),
                md(biasDims, dnnl_x), diffDst.md()), layer + " backward-weights");
        dnnl_primitive_desc wpd = dnnl.pd(w, null, f.pd());
        Buf src = adapt(layer, f.src(), query(wpd, dnnl_query_src_md, 0), false);
        Buf dw = gradientOut(layer, layer + "_W", query(wpd, dnnl_query_diff_weights_md, 0));
        Buf db = gradientOut(layer, layer + "_b", query(wpd, dnnl_query_diff_weights_md, 1));
        add(layer, "inner product backward-weights", wpd, DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst,
                DNNL_ARG_DIFF_WEIGHTS, dw, DNNL_ARG_DIFF_BIAS, db);
        dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
        check(dnnl_inner_product_backward_data_desc_init(d, any(f.srcDims()), any(f.weightDims()), diffDst.md()),
                layer + " backward-data");
        dnnl_primitive_desc dpd = dnnl.pd(d, null, f.pd());
        Buf weights = weightsIn(layer, layer + "_W", query(dpd, dnnl_query_weights_md, 0));
        Buf diffSrc = dnnl.buf(query(dpd, dnnl_query_diff_src_md, 0));
        add(layer, "inner product backward-data", dpd, DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_WEIGHTS, weights,
                DNNL_ARG_DIFF_SRC, diffSrc);
        return diffSrc;
    }

    /** The dense layer's output gradient: the sum of what the two heads send back. */
    private Buf sum(Buf a, Buf b) {
        Buf second = adapt("dense", b, a.md(), false);
        dnnl_binary_desc_t d = new dnnl_binary_desc_t();
        check(dnnl_binary_desc_init(d, dnnl_binary_add, a.md(), second.md(), a.md()), "binary add");
        dnnl_primitive_desc pd = dnnl.pd(d, null, null);
        Buf out = dnnl.buf(query(pd, dnnl_query_dst_md, 0));
        add("dense", "binary add (the heads' gradients)", pd, DNNL_ARG_SRC_0, a, DNNL_ARG_SRC_1, second,
                DNNL_ARG_DST, out);
        return out;
    }

    /** ReLU's gradient from its output {@code y} (the forward ReLU was a post-op, so it has no primitive of its own). */
    private Buf reluBackward(String layer, Buf y, Buf diff) {
        dnnl_eltwise_desc_t f = new dnnl_eltwise_desc_t();
        check(dnnl_eltwise_forward_desc_init(f, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, y.md(), 0f, 0f),
                layer + " ReLU hint");
        dnnl_primitive_desc hint = dnnl.pd(f, null, null);
        Buf diffDst = adapt(layer, diff, y.md(), false);
        dnnl_eltwise_desc_t d = new dnnl_eltwise_desc_t();
        check(dnnl_eltwise_backward_desc_init(d, dnnl_eltwise_relu_use_dst_for_bwd, y.md(), y.md(), 0f, 0f),
                layer + " ReLU backward");
        dnnl_primitive_desc pd = dnnl.pd(d, null, hint);
        Buf out = dnnl.buf(query(pd, dnnl_query_diff_src_md, 0));
        add(layer, "eltwise ReLU backward", pd, DNNL_ARG_DST, y, DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_DIFF_SRC, out);
        return out;
    }

    /** Pooling's and ReLU's gradients, the weight gradients, then the input's gradient (none for the first block). */
    private Buf convolutionBackward(Block k, Buf diffPooled) {
        long[][] dims = k.dims();
        dnnl_pooling_desc_t p = new dnnl_pooling_desc_t();
        check(dnnl_pooling_backward_desc_init(p, dnnl_pooling_avg_exclude_padding, k.y().md(), k.pooled().md(), TWOS,
                TWOS, ZEROS, ZEROS), k.pool() + " backward");
        dnnl_primitive_desc ppd = dnnl.pd(p, null, k.poolPd());
        Buf dp = adapt(k.pool(), diffPooled, query(ppd, dnnl_query_diff_dst_md, 0), false);
        Buf dy = dnnl.buf(query(ppd, dnnl_query_diff_src_md, 0));
        add(k.pool(), "pooling backward (avg)", ppd, DNNL_ARG_DIFF_DST, dp, DNNL_ARG_DIFF_SRC, dy);
        Buf dz = reluBackward(k.conv(), k.y(), dy);
        long[] biasDims = {dims[1][0]};
        dnnl_convolution_desc_t w = new dnnl_convolution_desc_t();
        check(dnnl_convolution_backward_weights_desc_init(w, dnnl_convolution_direct, any(dims[0]), any(dims[1]),
                md(biasDims, dnnl_x), any(dims[2]), ONES, ZEROS, ZEROS), k.conv() + " backward-weights");
        dnnl_primitive_desc wpd = dnnl.pd(w, null, k.convPd());
        Buf src = adapt(k.conv(), k.src(), query(wpd, dnnl_query_src_md, 0), false);
        Buf dzw = adapt(k.conv(), dz, query(wpd, dnnl_query_diff_dst_md, 0), false);
        Buf dw = gradientOut(k.conv(), k.conv() + "_W", query(wpd, dnnl_query_diff_weights_md, 0));
        Buf db = gradientOut(k.conv(), k.conv() + "_b", query(wpd, dnnl_query_diff_weights_md, 1));
        add(k.conv(), "convolution backward-weights", wpd, DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, dzw,
                DNNL_ARG_DIFF_WEIGHTS, dw, DNNL_ARG_DIFF_BIAS, db);
        if (k.conv().equals("conv1")) {
            return null; // the canvas needs no gradient
        }
        dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
        check(dnnl_convolution_backward_data_desc_init(d, dnnl_convolution_direct, any(dims[0]), any(dims[1]),
                any(dims[2]), ONES, ZEROS, ZEROS), k.conv() + " backward-data");
        dnnl_primitive_desc dpd = dnnl.pd(d, null, k.convPd());
        Buf dzd = adapt(k.conv(), dz, query(dpd, dnnl_query_diff_dst_md, 0), false);
        Buf weights = weightsIn(k.conv(), k.conv() + "_W", query(dpd, dnnl_query_weights_md, 0));
        Buf dx = dnnl.buf(query(dpd, dnnl_query_diff_src_md, 0));
        add(k.conv(), "convolution backward-data", dpd, DNNL_ARG_DIFF_DST, dzd, DNNL_ARG_WEIGHTS, weights,
                DNNL_ARG_DIFF_SRC, dx);
        return dx;
    }

    private static dnnl_memory_desc_t any(long[] dims) {
        return md(dims, dnnl_format_tag_any);
    }

    /** Appends a primitive, then any gradient reorders waiting for its output. */
    private void add(String layer, String kind, dnnl_primitive_desc pd, Object... args) {
        current.add(new Op(layer, kind, Dnnl.implementation(pd), Dnnl.primitive(pd), Dnnl.args(args), args.length / 2,
                null));
        current.addAll(pendingOut);
        pendingOut.clear();
    }

    /** {@code have} in the layout {@code want}: itself when they agree, else a new buffer and a reorder into it. */
    private Buf adapt(String layer, Buf have, dnnl_memory_desc_t want, boolean always) {
        if (!always && Dnnl.same(have.md(), want)) {
            return have;
        }
        Buf to = dnnl.buf(want);
        reorder(current, layer, always ? "reorder (input in)" : "reorder (activations)", have, to);
        return to;
    }

    /**
     * A parameter in the layout a primitive chose: the plain one itself, a copy already reordered in this
     * step for another primitive, or a new copy reordered in before it runs.
     */
    private Buf weightsIn(String layer, String name, dnnl_memory_desc_t want) {
        Buf plain = params.get(name).value();
        if (Dnnl.same(plain.md(), want)) {
            return plain;
        }
        List<Buf> copies = weightCopies.computeIfAbsent(name, k -> new ArrayList<>());
        for (Buf copy : copies) {
            if (Dnnl.same(copy.md(), want)) {
                return copy;
            }
        }
        Buf to = dnnl.buf(want);
        copies.add(to);
        reorder(current, layer, "reorder (weights in)", plain, to);
        return to;
    }

    /** Where a primitive writes a parameter's gradient: the plain gradient itself, or a buffer reordered out. */
    private Buf gradientOut(String layer, String name, dnnl_memory_desc_t chosen) {
        Buf plain = params.get(name).gradient();
        if (Dnnl.same(plain.md(), chosen)) {
            return plain;
        }
        Buf from = dnnl.buf(chosen);
        reorder(pendingOut, layer, "reorder (gradients out)", from, plain);
        return from;
    }

    private void reorder(List<Op> into, String layer, String kind, Buf from, Buf to) {
        dnnl_primitive_desc pd = dnnl.reorderPd(from.md(), to.md());
        into.add(new Op(layer, kind, Dnnl.implementation(pd), Dnnl.primitive(pd),
                Dnnl.args(DNNL_ARG_FROM, from, DNNL_ARG_TO, to), 2, null));
    }

    /** Sets a parameter from DL4J's layout, flattened in row-major order ({@code INDArray} in 'c' order). */
    public void setParameter(String name, float[] plain) {
        Param p = param(name);
        if (plain.length != p.count()) {
            throw new IllegalArgumentException(name + " has " + p.count() + " values, not " + plain.length);
        }
        valueFloats.put((int) p.offset(), plain);
    }

    public float[] parameter(String name) {
        return read(valueFloats, param(name));
    }

    /** The gradient of the batch's mean loss (DL4J's gradient divided by the batch, as its updater does). */
    public float[] gradient(String name) {
        return read(gradientFloats, param(name));
    }

    /** Sets a parameter's gradient (plain layout), to run {@link #update} on a gradient from elsewhere. */
    void setGradient(String name, float[] plain) {
        Param p = param(name);
        if (plain.length != p.count()) {
            throw new IllegalArgumentException(name + " has " + p.count() + " values, not " + plain.length);
        }
        gradientFloats.put((int) p.offset(), plain);
    }

    private Param param(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name + "; the harness has " + params.keySet());
        }
        return p;
    }

    private static float[] read(FloatBuffer from, Param p) {
        float[] out = new float[(int) p.count()];
        from.get((int) p.offset(), out);
        return out;
    }

    /**
     * The batch: canvases [batch, 1, {@value #CANVAS}, {@value #CANVAS}] row-major, class targets [batch, 10]
     * (one-hot or smoothed, each row summing to 1) and boxes [batch, 4].
     */
    public void setBatch(float[] canvases, float[] classes, float[] boxTargets) {
        input.floats().put(0, canvases);
        System.arraycopy(classes, 0, classLabels, 0, classLabels.length);
        System.arraycopy(boxTargets, 0, boxLabels, 0, boxLabels.length);
    }

    /** The forward pass and the losses; returns the batch's mean loss (both heads', as DL4J's score). */
    public double forward() {
        run(forward);
        return loss;
    }

    /** Every parameter's gradient, in plain layout; after {@link #forward}. */
    public void backward() {
        run(backward);
        wait(stream);
    }

    /** One Adam step over every parameter; after {@link #backward}. */
    public void update() {
        run(update);
    }

    /** One whole training step: forward, backward, Adam, with no waits but before the Java passes. */
    public void step() {
        run(forward);
        run(backward);
        run(update);
    }

    public float[] classProbabilities() {
        float[] out = new float[batch * CLASSES];
        probabilities.get(0, out);
        return out;
    }

    public float[] boxOutputs() {
        float[] out = new float[batch * BOX];
        boxes.get(0, out);
        return out;
    }

    private void run(List<Op> ops) {
        NativeSetup.threadsOnThisThread();
        for (Op op : ops) {
            execute(op);
        }
    }

    private void execute(Op op) {
        if (op.java() != null) {
            wait(stream); // the Java pass reads what the primitives before it wrote
            op.java().run();
        } else {
            check(dnnl_primitive_execute(op.primitive(), stream, op.count(), op.args()), op.layer() + " " + op.kind());
        }
    }

    private static void wait(dnnl_stream stream) {
        check(dnnl_stream_wait(stream), "stream wait");
    }

    /** One entry of the sequence and its time: milliseconds per step. */
    public record Entry(String layer, String kind, String implementation, double millis) {
    }

    /**
     * Milliseconds per step of each entry of the sequence (summed over entries of the same layer, kind and
     * implementation), over {@code steps} whole steps with a stream wait after every entry.
     */
    public List<Entry> millisPerEntry(int steps) {
        NativeSetup.threadsOnThisThread();
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, Op> first = new LinkedHashMap<>();
        List<Op> all = new ArrayList<>(forward);
        all.addAll(backward);
        all.addAll(update);
        for (int s = 0; s < steps; s++) {
            for (Op op : all) {
                long t0 = System.nanoTime();
                execute(op);
                wait(stream);
                long spent = System.nanoTime() - t0;
                String key = op.layer() + "|" + op.kind() + "|" + op.implementation();
                first.putIfAbsent(key, op);
                nanos.computeIfAbsent(key, k -> new long[1])[0] += spent;
            }
        }
        List<Entry> entries = new ArrayList<>();
        first.forEach((k, op) -> entries.add(new Entry(op.layer(), op.kind(), op.implementation(),
                nanos.get(k)[0] / 1e6 / steps)));
        return entries;
    }

    /**
     * Softmax cross-entropy of the class head (DL4J's MCXENT: log of the probability clipped at 1e-10) and
     * the box head's weighted MSE or MAE (the mean over the 4 values), each averaged over the batch; their
     * gradients with respect to the logits and the box outputs, of the batch mean.
     */
    private void losses() {
        double crossEntropy = 0;
        for (int i = 0; i < batch * CLASSES; i++) {
            float p = probabilities.get(i);
            float y = classLabels[i];
            if (y != 0) {
                crossEntropy -= y * Math.log(Math.max(p, 1e-10f));
            }
            classGradient.put(i, (p - y) / batch); // softmax and cross-entropy together, rows of y summing to 1
        }
        double box = 0;
        float scale = boxWeight / (BOX * (float) batch);
        for (int i = 0; i < batch * BOX; i++) {
            float d = boxes.get(i) - boxLabels[i];
            boolean mse = boxLoss == NetworkSettings.BoxLoss.MSE;
            box += mse ? d * d : Math.abs(d);
            boxGradient.put(i, mse ? 2 * d * scale : Math.signum(d) * scale);
        }
        loss = crossEntropy / batch + box * boxWeight / (BOX * batch);
    }

    /** DL4J's Adam (libnd4j's adam_updater): bias correction folded into the step size, epsilon outside the root. */
    private void adam() {
        int t = iteration + 1;
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
        FloatBuffer p = valueFloats;
        FloatBuffer g = gradientFloats;
        for (int i = 0; i < m.length; i++) {
            float gi = g.get(i);
            float mi = BETA1 * m[i] + gi * (1 - BETA1);
            float vi = BETA2 * v[i] + gi * gi * (1 - BETA2);
            m[i] = mi;
            v[i] = vi;
            p.put(i, p.get(i) - mi * alpha / ((float) Math.sqrt(vi) + EPSILON));
        }
        iteration++;
    }

    public int batch() {
        return batch;
    }
}
