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
        return of(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    }

    public static double of(double ax0, double ay0, double ax1, double ay1,
                            double bx0, double by0, double bx1, double by1) {
        double areaA = Math.max(0, ax1 - ax0) * Math.max(0, ay1 - ay0);
        double areaB = Math.max(0, bx1 - bx0) * Math.max(0, by1 - by0);
        double iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
        double ih = Math.min(ay1, by1) - Math.max(ay0, by0);
        double inter = (areaA == 0 || areaB == 0 || iw <= 0 || ih <= 0) ? 0 : iw * ih;
        double union = areaA + areaB - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
