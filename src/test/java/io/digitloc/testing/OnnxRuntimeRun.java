package io.digitloc.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an ONNX file in ONNX Runtime (its Java API): an independent reader of what the export wrote. */
public final class OnnxRuntimeRun {
    private OnnxRuntimeRun() {
    }

    /** Both outputs of the model for {@code n} canvases of {@code size} (floats in [0,1], [n,1,size,size] in C order). */
    public record Outputs(float[][] classification, float[][] boundingBox) {
    }

    public static OrtSession open(java.nio.file.Path model) throws OrtException {
        return OrtEnvironment.getEnvironment().createSession(model.toString(), new OrtSession.SessionOptions());
    }

    public static Outputs run(OrtSession session, float[] canvases, int n, int size) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(canvases), new long[] {n, 1, size, size});
             OrtSession.Result r = session.run(Map.of("canvas", input))) {
            return new Outputs((float[][]) r.get("classification").orElseThrow().getValue(),
                    (float[][]) r.get("bounding_box").orElseThrow().getValue());
        }
    }

    public static Outputs run(java.nio.file.Path model, float[] canvases, int n, int size) throws OrtException {
        try (OrtSession session = open(model)) {
            return run(session, canvases, n, size);
        }
    }
}
