package io.digitloc.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The channels-last pooling passes of {@link AveragePooling2x2Layer} read and written in place in the
 * arrays' native memory with the JDK's Vector API, a pixel's channels a vector at a time: no copies
 * into Java arrays and back (measured slower). Same results
 * as the planar passes, bit for bit (same order of additions). The layers run channels-last only with
 * the Vector API module ({@link VectorGradients#enabled}), so this is the only channels-last pooling.
 */
final class VectorPooling {
    private VectorPooling() {
    }

    /**
     * Pools examples {@code first} to {@code end} of channels-last {@code in} ([batch, h, w, c]) into
     * {@code out} ([batch, h/2, w/2, c]): relu first when asked, then 0.25 * (((a + b) + c) + d) over the
     * window's top-left, top-right, bottom-left, bottom-right pixels, as the planar pass adds them.
     */
    static void forward(ByteBuffer in, ByteBuffer out, int first, int end, Planes planes, boolean relu) {
        Kernel.forward(in, out, first, end, planes, relu);
    }

    /**
     * Spreads channels-last gradients {@code eps} ([batch, h/2, w/2, c]) over channels-last {@code grad}
     * ([batch, h, w, c]) for examples {@code first} to {@code end}: a quarter of each to its window's four
     * pixels, none where channels-last {@code reluInput} (when given) is not positive, 0 for an odd last
     * row and column.
     */
    static void backward(ByteBuffer eps, ByteBuffer grad, ByteBuffer reluInput, int first, int end, Planes planes) {
        Kernel.backward(eps, grad, reluInput, first, end, planes);
    }

    /** The Vector API code proper, loaded only with the module. */
    private static final class Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        static void forward(ByteBuffer in, ByteBuffer out, int first, int end, Planes planes, boolean relu) {
            int c = planes.channels();
            int h = planes.height();
            int w = planes.width();
            int ph = h / 2;
            int pw = w / 2;
            int vectorEnd = c - c % S.length();
            for (int n = first; n < end; n++) {
                for (int y = 0; y < ph; y++) {
                    int top = (n * h + 2 * y) * w * c;
                    int bottom = top + w * c;
                    int o = (n * ph + y) * pw * c;
                    for (int x = 0; x < pw; x++) {
                        int t = top + 2 * x * c;
                        int b = bottom + 2 * x * c;
                        int ch = 0;
                        for (; ch < vectorEnd; ch += S.length()) {
                            FloatVector tl = load(in, t + ch, relu);
                            FloatVector tr = load(in, t + c + ch, relu);
                            FloatVector bl = load(in, b + ch, relu);
                            FloatVector br = load(in, b + c + ch, relu);
                            tl.add(tr).add(bl).add(br).mul(0.25f)
                                    .intoByteBuffer(out, (o + x * c + ch) * Float.BYTES, ORDER);
                        }
                        for (; ch < c; ch++) {
                            float sum = get(in, t + ch, relu) + get(in, t + c + ch, relu) + get(in, b + ch, relu)
                                    + get(in, b + c + ch, relu);
                            out.putFloat((o + x * c + ch) * Float.BYTES, 0.25f * sum);
                        }
                    }
                }
            }
        }

        private static FloatVector load(ByteBuffer in, int at, boolean relu) {
            FloatVector v = FloatVector.fromByteBuffer(S, in, at * Float.BYTES, ORDER);
            return relu ? v.max(0f) : v;
        }

        private static float get(ByteBuffer in, int at, boolean relu) {
            float v = in.getFloat(at * Float.BYTES);
            return relu ? Math.max(v, 0f) : v;
        }

        static void backward(ByteBuffer eps, ByteBuffer grad, ByteBuffer reluInput, int first, int end, Planes planes) {
            int c = planes.channels();
            int h = planes.height();
            int w = planes.width();
            int ph = h / 2;
            int pw = w / 2;
            int vectorEnd = c - c % S.length();
            for (int n = first; n < end; n++) {
                for (int y = 0; y < ph; y++) {
                    for (int x = 0; x < pw; x++) {
                        int e = ((n * ph + y) * pw + x) * c;
                        int top = ((n * h + 2 * y) * w + 2 * x) * c;
                        int ch = 0;
                        for (; ch < vectorEnd; ch += S.length()) {
                            FloatVector v = FloatVector.fromByteBuffer(S, eps, (e + ch) * Float.BYTES, ORDER).mul(0.25f);
                            spread(v, grad, reluInput, top + ch);
                            spread(v, grad, reluInput, top + c + ch);
                            spread(v, grad, reluInput, top + w * c + ch);
                            spread(v, grad, reluInput, top + w * c + c + ch);
                        }
                        for (; ch < c; ch++) {
                            float v = 0.25f * eps.getFloat((e + ch) * Float.BYTES);
                            for (int at : new int[] {top + ch, top + c + ch, top + w * c + ch, top + w * c + c + ch}) {
                                boolean keep = reluInput == null || !(reluInput.getFloat(at * Float.BYTES) <= 0f);
                                grad.putFloat(at * Float.BYTES, keep ? v : 0f);
                            }
                        }
                    }
                    if (w % 2 == 1) { // the odd last column of both rows
                        zero(grad, ((n * h + 2 * y) * w + w - 1) * c, c);
                        zero(grad, ((n * h + 2 * y + 1) * w + w - 1) * c, c);
                    }
                }
                if (h % 2 == 1) {
                    zero(grad, ((n * h + h - 1) * w) * c, w * c);
                }
            }
        }

        /** grad[at..] = v, or 0 where reluInput[at..] is not positive (NaN counts as positive, as the planar pass). */
        private static void spread(FloatVector v, ByteBuffer grad, ByteBuffer reluInput, int at) {
            if (reluInput == null) {
                v.intoByteBuffer(grad, at * Float.BYTES, ORDER);
                return;
            }
            FloatVector z = FloatVector.fromByteBuffer(S, reluInput, at * Float.BYTES, ORDER);
            VectorMask<Float> cut = z.compare(VectorOperators.LE, 0f);
            v.blend(0f, cut).intoByteBuffer(grad, at * Float.BYTES, ORDER);
        }

        private static void zero(ByteBuffer grad, int at, int count) {
            for (int i = 0; i < count; i++) {
                grad.putFloat((at + i) * Float.BYTES, 0f);
            }
        }
    }
}
