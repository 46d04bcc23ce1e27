import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;

/**
 * What a DL4J user outside this project does with a model.zip: restore it with DL4J alone and run it.
 * Run as a single-file source program with DL4J's jars only (StockLayersTest):
 *   java -cp <DL4J jars> PlainRestore.java model.zip 75
 * Prints the 14 outputs (10 probabilities, 4 box values) for a fixed pattern of pixels, one per line.
 */
public class PlainRestore {
    public static void main(String[] args) throws Exception {
        ComputationGraph net = ModelSerializer.restoreComputationGraph(new File(args[0]), false);
        int size = Integer.parseInt(args[1]);
        float[] pixels = new float[size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = ((i * 37) % 256) / 255f;
        }
        INDArray[] out = net.output(Nd4j.create(pixels, new long[] {1, 1, size, size}, 'c'));
        for (INDArray o : out) {
            for (float v : o.toFloatVector()) {
                System.out.println(v);
            }
        }
    }
}
