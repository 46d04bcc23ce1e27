package io.digitloc.rounds;

import io.digitloc.config.ScaleOutSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver's outer step, exactly, on small vectors. */
class OuterOptimizerTest {
    private static INDArray v(double... x) {
        return Nd4j.createFromArray(x);
    }

    /** Runs rounds whose mean lands {@code deltas[r]} away from where the round started; returns the params. */
    private static INDArray rounds(OuterOptimizer o, INDArray params, INDArray... deltas) {
        for (INDArray d : deltas) {
            INDArray start = params.dup();
            params.addi(d); // the workers' mean
            o.step(start, params);
        }
        return params;
    }

    @Test
    void rateOneWithoutMomentumIsPlainAveraging() {
        OuterOptimizer o = new OuterOptimizer(new ScaleOutSettings.Outer(1, 0, true));
        assertThat(rounds(o, v(1, 2), v(0.5, -1), v(0.25, 0.25))).isEqualTo(v(1.75, 1.25));
        assertThat(o.velocity()).isNull();
    }

    @Test
    void rateScalesTheMeanChange() {
        OuterOptimizer o = new OuterOptimizer(new ScaleOutSettings.Outer(2, 0, true));
        assertThat(rounds(o, v(1, 2), v(0.5, -1))).isEqualTo(v(2, 0));
    }

    @Test
    void nesterovAndHeavyBallMomentum() {
        // v1 = d1, step = d1 + m v1; v2 = m v1 + d2, step = d2 + m v2
        OuterOptimizer nesterov = new OuterOptimizer(new ScaleOutSettings.Outer(1, 0.5, true));
        assertThat(rounds(nesterov, v(0), v(1))).isEqualTo(v(1.5));
        assertThat(rounds(nesterov, v(1.5), v(1))).isEqualTo(v(1.5 + 1 + 0.5 * 1.5));
        // heavy ball: step = v
        OuterOptimizer heavy = new OuterOptimizer(new ScaleOutSettings.Outer(1, 0.5, false));
        assertThat(rounds(heavy, v(0), v(1), v(1))).isEqualTo(v(1 + 1.5));
    }

    @Test
    void stateWrittenAndReadContinuesTheSameSequence() throws IOException {
        ScaleOutSettings.Outer s = new ScaleOutSettings.Outer(0.8, 0.9, true);
        OuterOptimizer uninterrupted = new OuterOptimizer(s);
        INDArray a = rounds(uninterrupted, v(1, 1, 1), v(0.1, -0.2, 0.3), v(0.2, 0.1, -0.1), v(-0.3, 0.2, 0.1));

        OuterOptimizer before = new OuterOptimizer(s);
        INDArray b = rounds(before, v(1, 1, 1), v(0.1, -0.2, 0.3), v(0.2, 0.1, -0.1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        before.write(new DataOutputStream(bytes));
        OuterOptimizer resumed = new OuterOptimizer(s);
        resumed.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(resumed.velocity()).isEqualTo(before.velocity());
        b = rounds(resumed, b, v(-0.3, 0.2, 0.1));
        assertThat(b.equalsWithEps(a, 1e-12)).isTrue();

        OuterOptimizer fresh = new OuterOptimizer(s);
        assertThat(rounds(fresh, v(1, 1, 1), v(-0.3, 0.2, 0.1)).equalsWithEps(a, 1e-3)).isFalse();
    }

    @Test
    void noStateBeforeTheFirstRoundReadsBackAsNone() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new OuterOptimizer(new ScaleOutSettings.Outer(1, 0.5, true)).write(new DataOutputStream(bytes));
        OuterOptimizer o = new OuterOptimizer(new ScaleOutSettings.Outer(1, 0.5, true));
        o.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(o.velocity()).isNull();
    }
}
