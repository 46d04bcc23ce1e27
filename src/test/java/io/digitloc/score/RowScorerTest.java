package io.digitloc.score;

import io.digitloc.config.Settings;
import io.digitloc.data.CanvasSchema;
import io.digitloc.model.LocalizerNet;
import io.digitloc.spark.BroadcastModel;
import io.digitloc.testing.TestSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link RowScorer#scoreChunk} against answers worked out by hand. The network's weights are all zero,
 * so whatever the canvas its heads answer their biases: softmax(ln 9 for digit 7, 0 elsewhere), that is
 * digit 7 with probability 9/18 and 1/18 for each other digit, and the box (0.2, 0.1, 0.6, 0.5) of the
 * 75-pixel canvas. What remains is the scorer's own arithmetic: mapping that box back to each input's
 * pixels, keeping bad rows in their place with the reason.
 */
class RowScorerTest {
    private static final int SIZE = 75;
    private static final float[] BOX = {0.2f, 0.1f, 0.6f, 0.5f};
    static BroadcastModel model;

    @BeforeAll
    static void aNetworkThatAnswersItsBiases() {
        ComputationGraph net = LocalizerNet.untrained(SIZE, Settings.defaults().train(), 1);
        net.params().assign(0);
        float[] logits = new float[10];
        logits[7] = (float) Math.log(9);
        net.getLayer(LocalizerNet.CLASSIFICATION).setParam("b", Nd4j.create(logits, new long[] {1, 10}, 'c'));
        net.getLayer(LocalizerNet.BOUNDING_BOX).setParam("b", Nd4j.create(BOX, new long[] {1, 4}, 'c'));
        model = new BroadcastModel(JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext()), net);
    }

    @AfterAll
    static void free() {
        model.destroy();
    }

    @Test
    void executorsScoreWithTheFastLayers() {
        // the broadcast holds the saved (stock) form; each task thread's copy runs the fast layers
        assertThat(model.get().getLayer("pool1")).isInstanceOf(io.digitloc.model.AveragePooling2x2Layer.class);
        assertThat(model.get().getLayer("conv1")).isInstanceOf(io.digitloc.model.FastConvolutionLayer.class);
    }

    private static Row canvas(long id, int w, int h, byte[] pixels) {
        return RowFactory.create(id, 3, 0f, 0f, 0f, 0f, w, h, pixels);
    }

    private static Object at(Row r, String column) {
        return r.get(r.fieldIndex(column));
    }

    @Test
    void eachRowGetsTheBoxInItsOwnPixelsAndBadRowsKeepTheirPlace() {
        RowScorer scorer = new RowScorer(model, SIZE, 4, CanvasSchema.SCHEMA, CanvasSchema.PIXELS,
                RowScorer.Kind.CANVAS, RowScorer.Output.columns(true));
        List<Row> in = List.of(
                canvas(1, 75, 75, new byte[75 * 75]),     // the model's size: the box as it is
                canvas(2, 75, 75, new byte[10]),          // wrong byte count
                canvas(3, 150, 100, new byte[150 * 100]), // larger: scaled by 1/2 to 75x50, 12 rows down
                canvas(4, 40, 30, null),                  // no pixels
                canvas(5, 40, 30, new byte[40 * 30]));    // smaller: not scaled, at (17, 22)
        List<Row> out = scorer.scoreChunk(in);
        assertThat(out).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(out.get(i).getLong(0)).as("row order").isEqualTo(i + 1);
            assertThat(out.get(i).get(8)).as("the input's columns pass through").isSameAs(in.get(i).get(8));
        }

        Row one = withNames(out.get(0), scorer);
        assertThat(at(one, ScoreColumns.DIGIT)).isEqualTo(7);
        assertThat((float) at(one, "probability")).isCloseTo(0.5f, within(1e-6f));
        Object[] p = (Object[]) at(one, "probabilities");
        assertThat((float) p[0]).isCloseTo(1f / 18, within(1e-6f));
        assertThat((float) p[7]).isCloseTo(0.5f, within(1e-6f));
        assertBox(one, 0.2, 0.1, 0.6, 0.5, 15, 7.5, 45, 37.5);
        assertThat(at(one, ScoreColumns.ERROR)).isNull();

        Row two = withNames(out.get(1), scorer);
        assertThat(at(two, ScoreColumns.DIGIT)).isNull();
        assertThat(at(two, "px_xmin")).isNull();
        assertThat((String) at(two, ScoreColumns.ERROR)).isEqualTo("2: 10 pixel bytes for a 75x75 canvas");

        // canvas x = 75 * box, input x = (canvas x - 0) / 0.5; canvas y = 75 * box, input y = (canvas y - 12) / 0.5
        assertBox(withNames(out.get(2), scorer), 30 / 150.0, -9 / 100.0, 90 / 150.0, 51 / 100.0, 30, -9, 90, 51);

        assertThat((String) at(withNames(out.get(3), scorer), ScoreColumns.ERROR)).isEqualTo("4: no pixels");

        // input x = canvas x - 17, input y = canvas y - 22
        assertBox(withNames(out.get(4), scorer), -2 / 40.0, -14.5 / 30, 28 / 40.0, 15.5 / 30, -2, -14.5, 28, 15.5);
    }

    @Test
    void aStructColumnCarriesTheSameAnswersAndThePredictionColumnTheDigit() {
        RowScorer scorer = new RowScorer(model, SIZE, 2, CanvasSchema.SCHEMA, CanvasSchema.PIXELS,
                RowScorer.Kind.CANVAS, new RowScorer.Output(false, "located", "prediction"));
        List<Row> out = scorer.scoreChunk(List.of(canvas(1, 75, 75, new byte[75 * 75]), canvas(2, 75, 75, null)));
        Row good = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(rowValues(out.get(0)),
                scorer.outputSchema(CanvasSchema.SCHEMA));
        Row located = good.getStruct(good.fieldIndex("located"));
        assertThat(located.getInt(0)).isEqualTo(7);
        assertThat(good.getDouble(good.fieldIndex("prediction"))).isEqualTo(7.0);
        Row bad = out.get(1);
        assertThat(bad.isNullAt(bad.length() - 1)).as("no prediction for a row that was not scored").isTrue();
        Row badLocated = (Row) bad.get(bad.length() - 2);
        assertThat(badLocated.getString(badLocated.length() - 1)).isEqualTo("2: no pixels");
    }

    private static void assertBox(Row r, double bx0, double by0, double bx1, double by1,
                                  double px0, double py0, double px1, double py1) {
        assertThat((float) at(r, "box_xmin")).isCloseTo((float) bx0, within(1e-5f));
        assertThat((float) at(r, "box_ymin")).isCloseTo((float) by0, within(1e-5f));
        assertThat((float) at(r, "box_xmax")).isCloseTo((float) bx1, within(1e-5f));
        assertThat((float) at(r, "box_ymax")).isCloseTo((float) by1, within(1e-5f));
        assertThat((double) at(r, "px_xmin")).isCloseTo(px0, within(1e-4));
        assertThat((double) at(r, "px_ymin")).isCloseTo(py0, within(1e-4));
        assertThat((double) at(r, "px_xmax")).isCloseTo(px1, within(1e-4));
        assertThat((double) at(r, "px_ymax")).isCloseTo(py1, within(1e-4));
    }

    private static Row withNames(Row r, RowScorer scorer) {
        return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(rowValues(r),
                scorer.outputSchema(CanvasSchema.SCHEMA));
    }

    private static Object[] rowValues(Row r) {
        Object[] v = new Object[r.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.get(i);
        }
        return v;
    }
}
