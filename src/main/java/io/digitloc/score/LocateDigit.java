package io.digitloc.score;

import io.digitloc.core.Predictor;
import io.digitloc.model.LocalizerNet;
import io.digitloc.spark.BroadcastModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The model as a Spark SQL function for SQL users:
 * <pre>
 * LocateDigit.register(spark, "locate_digit", net, 75);
 * SELECT id, locate_digit(pixels, width, height).digit FROM canvases
 * </pre>
 * {@code locate_digit(pixels binary, width int, height int)} returns the struct of {@link ScoreColumns}
 * (with the probabilities); a canvas that cannot be scored gives nulls and {@code error}, not a failed
 * query. Row at a time (Spark has no batched Java UDF): for bulk scoring the score job and
 * {@link DigitLocalizerModel} are several times faster.
 */
public final class LocateDigit {
    private LocateDigit() {
    }

    public static void register(SparkSession spark, String name, ComputationGraph net, int canvasSize) {
        LocalizerNet.requireFits(net, canvasSize, "the model for " + name);
        BroadcastModel model = new BroadcastModel(JavaSparkContext.fromSparkContext(spark.sparkContext()), net);
        UDF3<byte[], Integer, Integer, Row> f = (pixels, width, height) ->
                RowScorer.scoreOne(new Predictor(model.get(), canvasSize), pixels, width, height);
        spark.udf().register(name, f, ScoreColumns.struct(true));
    }
}
