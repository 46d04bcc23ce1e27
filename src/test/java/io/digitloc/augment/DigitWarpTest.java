package io.digitloc.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DigitWarpTest {
    private static final int D = 28;

    /** A 20x20 block of ink in the centre of the patch, as MNIST's digits sit. */
    private static byte[] block(int from, int to) {
        byte[] d = new byte[D * D];
        for (int y = from; y < to; y++) {
            for (int x = from; x < to; x++) {
                d[y * D + x] = (byte) 200;
            }
        }
        return d;
    }

    private static double[] centreOfMass(byte[] d) {
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < D; y++) {
            for (int x = 0; x < D; x++) {
                int v = d[y * D + x] & 0xFF;
                sum += v;
                sx += v * x;
                sy += v * y;
            }
        }
        return new double[] {sx / sum, sy / sum, sum};
    }

    @Test
    void noRotationAndUnitScaleGiveTheDigitBack() {
        byte[] d = new byte[D * D];
        new SplittableRandom(1).nextBytes(d);
        assertThat(DigitWarp.warp(d, 0, 1)).isEqualTo(d);
        assertThat(DigitWarp.NONE.isIdentity()).isTrue();
    }

    @Test
    void rotatesAboutThePatchCentre() {
        byte[] d = new byte[D * D];
        d[4 * D + 13] = (byte) 255; // a dot above the centre (13.5, 13.5) ...
        byte[] turned = DigitWarp.warp(d, Math.PI / 2, 1);
        // ... turned a quarter (image y points down) lands left or right of it, on the mirrored row
        int at = -1;
        for (int i = 0; i < turned.length; i++) {
            if ((turned[i] & 0xFF) == 255) {
                at = i;
            }
        }
        assertThat(at).isNotNegative();
        assertThat(at / D).isEqualTo(13);
        assertThat(Math.abs(at % D - 13.5)).isCloseTo(9.5, within(1.0));
    }

    @Test
    void scalesInkAboutTheCentreAndKeepsItInsideThePatch() {
        byte[] d = block(4, 24);
        double[] before = centreOfMass(d);
        byte[] bigger = DigitWarp.warp(d, 0, 1.15);
        byte[] smaller = DigitWarp.warp(d, 0, 0.85);
        double[] up = centreOfMass(bigger);
        double[] down = centreOfMass(smaller);
        assertThat(up[2] / before[2]).isCloseTo(1.15 * 1.15, within(0.1));
        assertThat(down[2] / before[2]).isCloseTo(0.85 * 0.85, within(0.1));
        for (double[] c : new double[][] {up, down, centreOfMass(DigitWarp.warp(d, Math.toRadians(12), 1.1))}) {
            assertThat(c[0]).isCloseTo(before[0], within(0.05));
            assertThat(c[1]).isCloseTo(before[1], within(0.05));
        }
        // the border rows and columns stay black: ink does not leave the 28x28 patch
        for (int i = 0; i < D; i++) {
            assertThat(bigger[i]).isZero();
            assertThat(bigger[i * D]).isZero();
        }
    }

    @Test
    void drawsWithinTheRangesAndRepeatsFromTheSameStream() {
        DigitWarp warp = new DigitWarp(10, 0.1);
        byte[] d = block(4, 24);
        assertThat(warp.apply(d, new SplittableRandom(7))).isEqualTo(warp.apply(d, new SplittableRandom(7)));
        assertThat(warp.apply(d, new SplittableRandom(7))).isNotEqualTo(warp.apply(d, new SplittableRandom(8)));
        double ink = centreOfMass(d)[2];
        for (int seed = 0; seed < 50; seed++) {
            double ratio = centreOfMass(warp.apply(d, new SplittableRandom(seed)))[2] / ink;
            assertThat(ratio).isBetween(0.9 * 0.9 - 0.05, 1.1 * 1.1 + 0.05);
        }
    }
}
