package io.digitloc.testing;

import io.digitloc.core.Canvas;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.IdxReader;
import io.digitloc.data.IdxSource;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;

/** Real MNIST canvases, as the generate job makes them, without Spark: the first {@code n} digits of a split. */
public final class Canvases {
    private Canvases() {
    }

    public static CanvasBatch of(Split split, int n, int size, long seed) {
        IdxSource source = new IdxSource(Mnist.dir().toString(), HadoopConf.local());
        IdxSource.SplitFiles files = source.locate(split);
        CanvasSynthesizer synth = new CanvasSynthesizer(size, seed);
        byte[] labels = new byte[n];
        float[] boxes = new float[4 * n];
        byte[] pixels = new byte[n * size * size];
        try (IdxReader images = source.openImages(files.images()); IdxReader digits = source.openLabels(files.labels())) {
            byte[] digit = new byte[images.recordSize()];
            for (int i = 0; i < n; i++) {
                images.read(digit);
                Canvas c = synth.synthesize(split, i, digits.readLabel(10), digit);
                labels[i] = (byte) c.label();
                System.arraycopy(c.box(), 0, boxes, 4 * i, 4);
                System.arraycopy(c.pixels(), 0, pixels, i * size * size, size * size);
            }
        }
        return new CanvasBatch(size, labels, boxes, pixels);
    }
}
