package io.digitloc.data;

import io.digitloc.core.Canvas;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanvasSynthesizerTest {
    private static byte[] digit(long seed) {
        Random rng = new Random(seed);
        byte[] d = new byte[28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (1 + rng.nextInt(255));
        }
        return d;
    }

    @Test
    void digitLandsExactlyInsideItsBoxAndTheRestIsBlack() {
        CanvasSynthesizer synth = new CanvasSynthesizer(75, 42);
        for (long id = 0; id < 200; id++) {
            byte[] d = digit(id);
            Canvas c = synth.synthesize(Split.TRAIN, id, 3, d);
            float[] box = c.box();
            int x0 = Math.round(box[0] * 75), y0 = Math.round(box[1] * 75);
            int x1 = Math.round(box[2] * 75), y1 = Math.round(box[3] * 75);
            assertThat(x1 - x0).isEqualTo(28);
            assertThat(y1 - y0).isEqualTo(28);
            for (int y = 0; y < 75; y++) {
                for (int x = 0; x < 75; x++) {
                    byte p = c.pixels()[y * 75 + x];
                    if (x >= x0 && x < x1 && y >= y0 && y < y1) {
                        assertThat(p).isEqualTo(d[(y - y0) * 28 + (x - x0)]);
                    } else {
                        assertThat(p).isZero();
                    }
                }
            }
        }
    }

    @Test
    void boxesAreNormalisedLikeTheReference() {
        CanvasSynthesizer synth = new CanvasSynthesizer(75, 1);
        Canvas c = synth.synthesize(Split.TRAIN, 5, 0, digit(1));
        assertThat(c.box()).containsExactly((float) c.x() / 75, (float) c.y() / 75,
                (float) (c.x() + 28) / 75, (float) (c.y() + 28) / 75);
        for (long id = 0; id < 1000; id++) {
            for (float v : synth.synthesize(Split.VALIDATION, id, 0, digit(1)).box()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void placementDependsOnlyOnSeedSplitAndId() {
        CanvasSynthesizer a = new CanvasSynthesizer(75, 42);
        CanvasSynthesizer b = new CanvasSynthesizer(75, 42);
        assertThat(a.synthesize(Split.TRAIN, 17, 4, digit(9)).pixels())
                .isEqualTo(b.synthesize(Split.TRAIN, 17, 4, digit(9)).pixels());
        int differentSeed = 0;
        int differentSplit = 0;
        CanvasSynthesizer other = new CanvasSynthesizer(75, 43);
        for (long id = 0; id < 100; id++) {
            if (!java.util.Arrays.equals(a.placement(Split.TRAIN, id), other.placement(Split.TRAIN, id))) {
                differentSeed++;
            }
            if (!java.util.Arrays.equals(a.placement(Split.TRAIN, id), a.placement(Split.VALIDATION, id))) {
                differentSplit++;
            }
        }
        assertThat(differentSeed).isGreaterThan(90);
        assertThat(differentSplit).isGreaterThan(90);
    }

    @Test
    void placementsCoverTheWholeAllowedRangeUniformly() {
        CanvasSynthesizer synth = new CanvasSynthesizer(75, 42);
        int[] xs = new int[48];
        int[] ys = new int[48];
        int n = 48_000;
        for (long id = 0; id < n; id++) {
            int[] p = synth.placement(Split.TRAIN, id);
            xs[p[0]]++;
            ys[p[1]]++;
        }
        // every value 0..47 occurs, roughly n/48 = 1000 times each (binomial sd ~31)
        for (int v = 0; v < 48; v++) {
            assertThat(xs[v]).as("x=%d", v).isBetween(800, 1200);
            assertThat(ys[v]).as("y=%d", v).isBetween(800, 1200);
        }
    }

    @Test
    void canvasSizeFollowsTheSetting() {
        CanvasSynthesizer synth = new CanvasSynthesizer(28, 0);
        Canvas c = synth.synthesize(Split.TRAIN, 0, 1, digit(0));
        assertThat(c.x()).isZero();
        assertThat(c.y()).isZero();
        assertThat(c.box()).containsExactly(0f, 0f, 1f, 1f);
        assertThatThrownBy(() -> new CanvasSynthesizer(27, 0)).hasMessageContaining("smaller than the digit");
    }
}
