package io.digitloc.train;

import io.digitloc.core.Located;
import io.digitloc.core.Predictor;
import io.digitloc.core.QuickScore;
import io.digitloc.data.CanvasRows;
import io.digitloc.spark.BroadcastModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.Arrays;
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
        var batch = CanvasRows.batch(rows, size);
        List<Located> located = new Predictor(net, size).predict(batch.pixels(), batch.count());
        for (int i = 0; i < batch.count(); i++) {
            Located l = located.get(i);
            score.add(batch.labels()[i], l.probabilities(), Arrays.copyOfRange(batch.boxes(), 4 * i, 4 * i + 4), l.box());
        }
    }
}
