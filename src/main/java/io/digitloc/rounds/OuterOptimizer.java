package io.digitloc.rounds;

import io.digitloc.config.ScaleOutSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The driver's step after each parameter-averaging round (DiLoCo, Douillard et al. 2023; SlowMo, Wang
 * et al. 2020): the round's mean change of the parameters, {@code delta = mean - start}, is a
 * pseudo-gradient; with momentum {@code m} and rate {@code lr}
 * <pre>
 *   v = m v + delta;   params = start + lr (delta + m v)   (Nesterov)   or   start + lr v   (heavy ball)
 * </pre>
 * Rate 1 without momentum leaves the mean as it is (plain averaging). The velocity {@code v} is the
 * only state; it is saved with each checkpoint so that a resumed run continues the same sequence.
 * Spark-free: plain ND4J arrays.
 */
public final class OuterOptimizer {
    private final ScaleOutSettings.Outer outer;
    private INDArray velocity;

    public OuterOptimizer(ScaleOutSettings.Outer outer) {
        this.outer = outer;
    }

    public ScaleOutSettings.Outer settings() {
        return outer;
    }

    /**
     * Replaces {@code params} (the workers' mean, in place: it may be the network's own view) by the
     * outer step from {@code start}, the parameters the round began with.
     */
    public void step(INDArray start, INDArray params) {
        if (outer.isPlainAveraging()) {
            return;
        }
        INDArray delta = params.sub(start);
        INDArray update = delta;
        if (outer.momentum() > 0) {
            if (velocity != null && !java.util.Arrays.equals(velocity.shape(), delta.shape())) {
                velocity = velocity.reshape(delta.shape());
            }
            velocity = velocity == null ? delta.dup() : velocity.muli(outer.momentum()).addi(delta);
            update = outer.nesterov() ? delta.add(velocity.mul(outer.momentum())) : velocity;
        }
        params.assign(start.add(update.mul(outer.lr())));
    }

    /** Continues from {@code velocity} (a barrier stage's workers carry it between the driver and themselves). */
    public void restore(float[] velocity) {
        this.velocity = Nd4j.createFromArray(velocity); // step() gives it the parameters' shape
    }

    /** The momentum buffer, null before the first round or without momentum. */
    public INDArray velocity() {
        return velocity;
    }

    /** Writes the state (a flag and the velocity, if any). */
    public void write(DataOutputStream out) throws IOException {
        out.writeBoolean(velocity != null);
        if (velocity != null) {
            Nd4j.write(velocity, out);
        }
    }

    /** Restores what {@link #write} wrote. */
    public void read(DataInputStream in) throws IOException {
        velocity = in.readBoolean() ? Nd4j.read(in) : null;
    }
}
