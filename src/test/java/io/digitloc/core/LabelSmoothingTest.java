package io.digitloc.core;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LabelSmoothingTest {
    static final int SIZE = 4;

    static CanvasBatch batch() {
        return new CanvasBatch(SIZE, new byte[] {3, 7}, new float[] {0, 0, 0.5f, 0.5f, 0.1f, 0.2f, 0.3f, 0.4f},
                new byte[2 * SIZE * SIZE]);
    }

    @Test
    void withoutSmoothingTheTargetsAreOneHot() {
        INDArray targets = batch().toMultiDataSet().getLabels(0);
        assertThat(targets.shape()).containsExactly(2, Digits.CLASSES);
        assertThat(targets.getFloat(0, 3)).isEqualTo(1f);
        assertThat(targets.getFloat(1, 7)).isEqualTo(1f);
        assertThat(targets.sumNumber().doubleValue()).isEqualTo(2.0);
        assertThat(batch().toMultiDataSet(0).getLabels(0)).isEqualTo(targets);
    }

    @Test
    void smoothingMovesAShareOfTheTargetOntoEveryDigitAndKeepsRowsSummingToOne() {
        var mds = batch().toMultiDataSet(0.1);
        INDArray targets = mds.getLabels(0);
        for (int row = 0; row < 2; row++) {
            assertThat(targets.getRow(row).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-6));
        }
        assertThat(targets.getFloat(0, 3)).isCloseTo(0.91f, within(1e-6f));
        assertThat(targets.getFloat(0, 0)).isCloseTo(0.01f, within(1e-6f));
        assertThat(targets.getFloat(1, 7)).isCloseTo(0.91f, within(1e-6f));
        // the boxes are untouched
        assertThat(mds.getLabels(1).ravel().toFloatVector()).containsExactly(0, 0, 0.5f, 0.5f, 0.1f, 0.2f, 0.3f, 0.4f);
    }

    @Test
    void dl4jsCrossEntropyTakesSoftTargets() {
        // pins DL4J's behaviour that smoothing relies on: with softmax, MCXENT's gradient is softmax - target
        INDArray pre = Nd4j.create(new float[] {0.5f, -1f, 2f, 0f, 0f, 0f, 0f, 0f, 0f, 1f}, new long[] {1, 10});
        float[] soft = new float[10];
        java.util.Arrays.fill(soft, 0.01f);
        soft[2] = 0.91f;
        INDArray target = Nd4j.create(soft, new long[] {1, 10});
        INDArray gradient = new LossMCXENT().computeGradient(target, pre.dup(), new ActivationSoftmax(), null);
        INDArray expected = new ActivationSoftmax().getActivation(pre.dup(), false).sub(target);
        for (int i = 0; i < 10; i++) {
            assertThat(gradient.getDouble(0, i)).isCloseTo(expected.getDouble(0, i), within(1e-5));
        }
    }
}
