package io.digitloc.train;

import io.digitloc.core.Batches;
import io.digitloc.core.Predictor;
import io.digitloc.core.QuickScore;
import io.digitloc.data.CanvasRows;
import io.digitloc.spark.BroadcastModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;

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
                        Predictor predictor = new Predictor(model.get(), size);
                        QuickScore score = new QuickScore();
                        Batches.of(rows, batchSize).forEachRemaining(batch ->
                                predictor.predict(CanvasRows.batch(batch, size), CanvasRows.ids(batch)).forEach(score::add));
                        return List.of(score).iterator();
                    })
                    .reduce(QuickScore::merge);
        } finally {
            model.destroy();
        }
    }
}
