package io.digitloc.core;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Network + canvases → {@link Located} digits (and, for labelled canvases, {@link Prediction}s): the
 * one inference call behind evaluate, per-epoch validation, predict, score and the Spark ML model; the
 * Spark jobs feed it batch by batch through {@link Batches}. Canvases are square grayscale bytes (0 = black)
 * of the model's side, row-major. Not thread-safe, as DL4J networks are not: one per thread.
 */
public final class Predictor {
    private final ComputationGraph net;
    private final int size;

    public Predictor(ComputationGraph net, int size) {
        this.net = net;
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Predicts {@code n} canvases packed one after another in {@code pixels}. */
    public List<Located> predict(byte[] pixels, int n) {
        if (pixels.length != n * size * size) {
            throw new IllegalArgumentException(pixels.length + " bytes are not " + n + " canvases of " + size + "x" + size);
        }
        if (n == 0) {
            return List.of();
        }
        INDArray[] out = net.output(CanvasBatch.features(pixels, n, size));
        float[] probs = out[0].dup('c').data().asFloat();
        float[] boxes = out[1].dup('c').data().asFloat();
        int classes = probs.length / n;
        List<Located> located = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] p = new float[classes];
            System.arraycopy(probs, i * classes, p, 0, classes);
            float[] b = new float[4];
            System.arraycopy(boxes, i * 4, b, 0, 4);
            located.add(Located.of(p, b));
        }
        return located;
    }

    /** Predicts each canvas of {@code canvases} (every one {@code size*size} bytes), as one batch. */
    public List<Located> predict(List<byte[]> canvases) {
        int area = size * size;
        byte[] packed = new byte[canvases.size() * area];
        for (int i = 0; i < canvases.size(); i++) {
            byte[] c = canvases.get(i);
            if (c.length != area) {
                throw new IllegalArgumentException("canvas " + i + " has " + c.length + " bytes, not " + size + "x" + size);
            }
            System.arraycopy(c, 0, packed, i * area, area);
        }
        return predict(packed, canvases.size());
    }

    /**
     * The model's answer for each canvas of a labelled batch, against the canvas's digit and box;
     * {@code ids[i]} names canvas i.
     */
    public List<Prediction> predict(CanvasBatch batch, long[] ids) {
        if (batch.size() != size || ids.length != batch.count()) {
            throw new IllegalArgumentException(batch.count() + " canvases of " + batch.size() + "x" + batch.size()
                    + " with " + ids.length + " ids for a " + size + "x" + size + " model");
        }
        List<Located> located = predict(batch.pixels(), batch.count());
        List<Prediction> predictions = new ArrayList<>(batch.count());
        for (int i = 0; i < batch.count(); i++) {
            float[] truth = Arrays.copyOfRange(batch.boxes(), Digits.BOX_VALUES * i, Digits.BOX_VALUES * (i + 1));
            predictions.add(Prediction.of(ids[i], batch.labels()[i], located.get(i), truth));
        }
        return predictions;
    }
}
