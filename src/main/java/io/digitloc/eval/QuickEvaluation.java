package io.digitloc.eval;

import io.digitloc.model.LocalizerNet;
import io.digitloc.train.Examples;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** The per-epoch validation score, computed on the executors and reduced to a few numbers. */
public final class QuickEvaluation {
    private QuickEvaluation() {
    }

    public static QuickScore score(JavaSparkContext jsc, ComputationGraph net, Dataset<Row> validation, int size,
                                   int batchSize) {
        BroadcastModel model = new BroadcastModel(jsc, net);
        try {
            return validation.javaRDD()
                    .mapPartitions((Iterator<Row> rows) -> {
                        QuickScore score = new QuickScore();
                        List<Row> chunk = new ArrayList<>(batchSize);
                        while (rows.hasNext()) {
                            chunk.add(rows.next());
                            if (chunk.size() == batchSize || !rows.hasNext()) {
                                scoreChunk(model.get(), chunk, size, score);
                                chunk.clear();
                            }
                        }
                        return Collections.singletonList(score).iterator();
                    })
                    .reduce(QuickScore::merge);
        } finally {
            model.destroy();
        }
    }

    private static void scoreChunk(ComputationGraph net, List<Row> rows, int size, QuickScore score) {
        var batch = Examples.batch(rows, size);
        INDArray[] out = net.output(batch.features());
        float[] probs = new float[LocalizerNet.NUM_CLASSES];
        float[] pred = new float[4];
        float[] truth = new float[4];
        for (int i = 0; i < batch.count(); i++) {
            for (int c = 0; c < probs.length; c++) {
                probs[c] = out[0].getFloat(i, c);
            }
            for (int k = 0; k < 4; k++) {
                pred[k] = out[1].getFloat(i, k);
                truth[k] = batch.boxes()[4 * i + k];
            }
            score.add(batch.labels()[i], probs, truth, pred);
        }
    }
}
