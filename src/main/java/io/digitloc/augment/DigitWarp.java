package io.digitloc.augment;

import io.digitloc.data.CanvasSynthesizer;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Augmentation of the digit's shape inside its 28x28 patch: a small random rotation and scaling about
 * the patch centre, resampled bilinearly. The patch stays where it is, so the box label (the patch, as
 * in the reference) stays exact; MNIST digits sit in the central 20x20 with a 4-pixel margin, so the
 * default ranges do not push ink out of the patch. Re-placement varies where a digit is; this varies the
 * digit itself, which is what the classifier over-fits once placements are varied.
 */
public final class DigitWarp implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int D = CanvasSynthesizer.DIGIT;
    private static final double CENTRE = (D - 1) / 2.0;

    /** Leaves every digit as it is. */
    static final DigitWarp NONE = new DigitWarp(0, 0);

    private final double maxRadians;
    private final double maxScale;

    /**
     * @param maxDegrees rotation drawn uniformly from [-maxDegrees, maxDegrees]
     * @param maxScale   scale factor drawn uniformly from [1 - maxScale, 1 + maxScale]
     */
    public DigitWarp(double maxDegrees, double maxScale) {
        this.maxRadians = Math.toRadians(maxDegrees);
        this.maxScale = maxScale;
    }

    boolean isIdentity() {
        return maxRadians == 0 && maxScale == 0;
    }

    /** {@code digit} (784 bytes, row-major) rotated and scaled by amounts drawn from {@code rng}. */
    byte[] apply(byte[] digit, SplittableRandom rng) {
        double angle = maxRadians == 0 ? 0 : rng.nextDouble(-maxRadians, maxRadians);
        double scale = maxScale == 0 ? 1 : rng.nextDouble(1 - maxScale, 1 + maxScale);
        return warp(digit, angle, scale);
    }

    /**
     * Each output pixel samples the input at the inversely rotated and scaled position (bilinear;
     * outside the patch is black), so no holes appear whatever the angle.
     */
    static byte[] warp(byte[] digit, double angle, double scale) {
        byte[] out = new byte[D * D];
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        for (int y = 0; y < D; y++) {
            for (int x = 0; x < D; x++) {
                double dx = x - CENTRE;
                double dy = y - CENTRE;
                double sx = cos * dx + sin * dy + CENTRE;
                double sy = -sin * dx + cos * dy + CENTRE;
                out[y * D + x] = (byte) Math.round(bilinear(digit, sx, sy));
            }
        }
        return out;
    }

    private static double bilinear(byte[] digit, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(digit, x0, y0) + fx * at(digit, x0 + 1, y0))
                + fy * ((1 - fx) * at(digit, x0, y0 + 1) + fx * at(digit, x0 + 1, y0 + 1));
    }

    private static int at(byte[] digit, int x, int y) {
        return x < 0 || y < 0 || x >= D || y >= D ? 0 : digit[y * D + x] & 0xFF;
    }
}
