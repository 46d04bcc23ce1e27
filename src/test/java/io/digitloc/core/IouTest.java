package io.digitloc.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class IouTest {
    private static double iou(double... v) {
        return Iou.of(new double[] {v[0], v[1], v[2], v[3]}, new double[] {v[4], v[5], v[6], v[7]});
    }

    @Test
    void identicalBoxesGiveOne() {
        assertThat(iou(0.1, 0.2, 0.5, 0.6, 0.1, 0.2, 0.5, 0.6)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void disjointAndTouchingBoxesGiveZero() {
        assertThat(iou(0, 0, 0.2, 0.2, 0.5, 0.5, 0.9, 0.9)).isZero();
        assertThat(iou(0, 0, 0.2, 0.2, 0.2, 0, 0.4, 0.2)).isZero(); // share an edge
        assertThat(iou(0, 0, 0.2, 0.2, 0.2, 0.2, 0.4, 0.4)).isZero(); // share a corner
    }

    @Test
    void containedBoxGivesTheAreaRatio() {
        // inner 0.2x0.2 = 0.04 inside outer 0.4x0.4 = 0.16
        assertThat(iou(0, 0, 0.4, 0.4, 0.1, 0.1, 0.3, 0.3)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void partialOverlapsMatchHandComputedValues() {
        // two 2x2 squares offset by 1 in x: intersection 2, union 6
        assertThat(iou(0, 0, 2, 2, 1, 0, 3, 2)).isCloseTo(1.0 / 3, within(1e-12));
        // offset by 1 in x and y: intersection 1, union 7
        assertThat(iou(0, 0, 2, 2, 1, 1, 3, 3)).isCloseTo(1.0 / 7, within(1e-12));
        // 28-pixel digit boxes on a 75 canvas, predicted 3 px right and 2 px down
        double s = 75;
        double inter = 25 * 26;
        double union = 2 * 28 * 28 - inter;
        assertThat(iou(10 / s, 10 / s, 38 / s, 38 / s, 13 / s, 12 / s, 41 / s, 40 / s))
                .isCloseTo(inter / union, within(1e-9));
    }

    @Test
    void invertedPredictedBoxesCountAsZeroIntersection() {
        // xmax < xmin: a naive formula would give a positive product of two negative extents
        assertThat(iou(0.1, 0.1, 0.5, 0.5, 0.4, 0.4, 0.2, 0.2)).isZero();
        assertThat(iou(0.1, 0.1, 0.5, 0.5, 0.45, 0.2, 0.15, 0.3)).isZero();
        // zero-area union
        assertThat(iou(0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3)).isZero();
    }

    @Test
    void isSymmetric() {
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < 1000; i++) {
            float[] a = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()};
            float[] b = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()};
            double ab = Iou.of(a, b);
            assertThat(ab).isEqualTo(Iou.of(b, a)).isBetween(0.0, 1.0);
        }
    }
}
