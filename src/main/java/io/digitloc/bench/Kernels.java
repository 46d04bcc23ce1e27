package io.digitloc.bench;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a training step's time goes: the ND4J kernels that DL4J's layers call for this network
 * (with the oneDNN helpers on), timed one by one at the network's shapes, in NCHW and NHWC.
 * A DL4J {@code ConvolutionLayer} runs {@code conv2d} twice per training step (its backward pass
 * recomputes the forward one), so a step costs about 2x conv2d + conv2d_bp + avgpool2d + avgpool2d_bp
 * + relu_bp per block, plus the dense layers.
 * Outputs are allocated once, as DL4J's workspaces do, so page faults of fresh buffers are not timed.
 */
public final class Kernels {
    /** One conv block of the network: input channels, filters, input side. */
    record Block(int in, int out, int side) {
    }

    /** Milliseconds per call of each kernel of one block in one layout. */
    public record Timing(String layout, int in, int out, int side, double conv, double convBp, double pool,
                         double poolBp, double reluBp) {
        double step() {
            return 2 * conv + convBp + pool + poolBp + reluBp;
        }
    }

    private final int batch;
    private final int repeats;

    public Kernels(int batch, int repeats) {
        this.batch = batch;
        this.repeats = repeats;
    }

    /** The three blocks of the network for square canvases of {@code size}. */
    static List<Block> blocks(int size) {
        List<Block> blocks = new ArrayList<>();
        int side = size;
        int in = 1;
        for (int filters : new int[] {16, 32, 64}) {
            blocks.add(new Block(in, filters, side));
            side = (side - 2) / 2;
            in = filters;
        }
        return blocks;
    }

    public List<Timing> run(int size, Consumer<String> out) {
        List<Timing> all = new ArrayList<>();
        out.accept(String.format(Locale.ROOT, "kernels, batch %d, ms per call (median of %d after warm-up), %d ND4J threads:",
                batch, repeats, io.digitloc.platform.NativeSetup.threads()));
        out.accept("layout block (in->out, side)   conv2d  conv2d_bp  avgpool2d  avgpool2d_bp  relu_bp  step share");
        for (boolean nhwc : new boolean[] {false, true}) {
            double total = 0;
            for (Block b : blocks(size)) {
                Timing t = time(b, nhwc);
                all.add(t);
                total += t.step();
                out.accept(String.format(Locale.ROOT, "%-6s %2d->%-2d (%2d)            %7.2f  %9.2f  %9.2f  %12.2f  %7.2f  %7.1f",
                        t.layout(), t.in(), t.out(), t.side(), t.conv(), t.convBp(), t.pool(), t.poolBp(), t.reluBp(),
                        t.step()));
            }
            out.accept(String.format(Locale.ROOT, "%s conv blocks per training step: %.1f ms (%.0f img/s if nothing else ran)",
                    nhwc ? "NHWC" : "NCHW", total, batch * 1000 / total));
        }
        if (FmaPeak.available()) {
            int cores = Runtime.getRuntime().availableProcessors();
            out.accept(String.format(Locale.ROOT, "FMA peak: %.0f GFLOP/s on %d cores, %.0f on one (%d-float vectors)",
                    FmaPeak.gflops(cores, 200_000_000L), cores, FmaPeak.gflops(1, 200_000_000L), FmaPeak.lanes()));
        }
        return all;
    }

    private Timing time(Block b, boolean nhwc) {
        int o = b.side() - 2;
        int p = o / 2;
        int layout = nhwc ? 1 : 0;
        INDArray x = Nd4j.rand(shape(nhwc, b.in(), b.side()));
        INDArray w = Nd4j.rand(new long[] {3, 3, b.in(), b.out()}).subi(0.5);
        INDArray bias = Nd4j.zeros(b.out());
        INDArray z = Nd4j.create(shape(nhwc, b.out(), o));
        INDArray gradX = x.ulike();
        INDArray gradW = w.ulike();
        INDArray gradB = bias.ulike();
        INDArray pooled = Nd4j.create(shape(nhwc, b.out(), p));
        INDArray gradZ = z.ulike();
        INDArray gradRelu = z.ulike();
        int[] conv = {3, 3, 1, 1, 0, 0, 1, 1, 0, layout, 0};
        int[] pool = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, layout};
        double c = millis(() -> exec("conv2d", new INDArray[] {x, w, bias}, new INDArray[] {z}, conv));
        double cb = millis(() -> exec("conv2d_bp", new INDArray[] {x, w, bias, z}, new INDArray[] {gradX, gradW, gradB}, conv));
        double pf = millis(() -> exec("avgpool2d", new INDArray[] {z}, new INDArray[] {pooled}, pool));
        double pb = millis(() -> exec("avgpool2d_bp", new INDArray[] {z, pooled}, new INDArray[] {gradZ}, pool));
        double rb = millis(() -> exec("relu_bp", new INDArray[] {z, gradZ}, new INDArray[] {gradRelu}));
        return new Timing(nhwc ? "NHWC" : "NCHW", b.in(), b.out(), b.side(), c, cb, pf, pb, rb);
    }

    private long[] shape(boolean nhwc, int channels, int side) {
        return nhwc ? new long[] {batch, side, side, channels} : new long[] {batch, channels, side, side};
    }

    private static void exec(String op, INDArray[] in, INDArray[] out, int... intArgs) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(in).addOutputs(out).addIntegerArguments(intArgs).build());
    }

    /** Median milliseconds of {@code repeats} calls after 3 untimed ones. */
    private double millis(Runnable call) {
        return Stopwatch.time("kernel", 1, 3, repeats, call).median() * 1e3;
    }
}
