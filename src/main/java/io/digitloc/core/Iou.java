package io.digitloc.core;

/** Intersection over union of two (xmin, ymin, xmax, ymax) boxes. */
public final class Iou {
    private Iou() {
    }

    /**
     * IoU in [0,1]. The intersection is clipped at zero (disjoint or touching boxes give 0); an
     * inverted box (xmax &lt; xmin or ymax &lt; ymin), as a regressor may predict, has zero area and
     * so zero intersection rather than a negative one; a zero-area union gives 0.
     */
    public static double of(float[] a, float[] b) {
        return of(new double[] {a[0], a[1], a[2], a[3]}, new double[] {b[0], b[1], b[2], b[3]});
    }

    /** As {@link #of(float[], float[])}, in double precision. */
    public static double of(double[] a, double[] b) {
        double ax0 = a[0], ay0 = a[1], ax1 = a[2], ay1 = a[3];
        double bx0 = b[0], by0 = b[1], bx1 = b[2], by1 = b[3];
        double areaA = Math.max(0, ax1 - ax0) * Math.max(0, ay1 - ay0);
        double areaB = Math.max(0, bx1 - bx0) * Math.max(0, by1 - by0);
        double iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
        double ih = Math.min(ay1, by1) - Math.max(ay0, by0);
        double inter = (areaA == 0 || areaB == 0 || iw <= 0 || ih <= 0) ? 0 : iw * ih;
        double union = areaA + areaB - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
