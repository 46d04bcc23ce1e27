package io.digitloc.eval;

import io.digitloc.core.Metrics;
import io.digitloc.core.MetricsAccumulator;
import io.digitloc.core.Prediction;
import io.digitloc.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Spark SQL aggregation gives exactly what the plain-Java accumulator gives on the same predictions. */
class SparkMetricsTest {
    static List<Prediction> randomPredictions(int n, long seed) {
        Random rng = new Random(seed);
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10);
            float[] probs = new float[10];
            float sum = 0;
            for (int c = 0; c < 10; c++) {
                probs[c] = rng.nextFloat() + (c == label && rng.nextDouble() < 0.7 ? 3 : 0);
                sum += probs[c];
            }
            for (int c = 0; c < 10; c++) {
                probs[c] /= sum;
            }
            float x = rng.nextInt(48) / 75f;
            float y = rng.nextInt(48) / 75f;
            float[] truth = {x, y, x + 28 / 75f, y + 28 / 75f};
            float dx = (float) rng.nextGaussian() * 0.05f;
            float dy = (float) rng.nextGaussian() * 0.05f;
            float[] pred = {truth[0] + dx, truth[1] + dy, truth[2] + dx + (float) rng.nextGaussian() * 0.02f,
                    truth[3] + dy};
            if (i % 50 == 0) {
                pred = new float[] {0.6f, 0.6f, 0.2f, 0.2f}; // inverted
            }
            out.add(Prediction.of(i, label, probs, truth, pred));
        }
        return out;
    }

    @Test
    void sparkAggregationEqualsPlainJava() {
        List<Prediction> predictions = randomPredictions(3000, 11);
        MetricsAccumulator acc = new MetricsAccumulator(Metrics.DEFAULT_THRESHOLDS, 20);
        predictions.forEach(acc::add);
        Metrics expected = acc.result();

        Dataset<Row> df = TestSpark.get().createDataFrame(
                predictions.stream().map(PredictionSchema::toRow).toList(), PredictionSchema.SCHEMA).repartition(4);
        Metrics actual = SparkMetrics.compute(df, Metrics.DEFAULT_THRESHOLDS, 20);

        assertThat(actual.count()).isEqualTo(3000);
        assertThat(actual.accuracy()).isCloseTo(expected.accuracy(), within(1e-12));
        assertThat(actual.boxMse()).isCloseTo(expected.boxMse(), within(1e-12));
        assertThat(actual.meanIou()).isCloseTo(expected.meanIou(), within(1e-12));
        assertThat(actual.iouAt()).isEqualTo(expected.iouAt());
        assertThat(actual.confusionMatrix()).isDeepEqualTo(expected.confusionMatrix());
        assertThat(actual.iouHistogram().counts()).containsExactly(expected.iouHistogram().counts());
        assertThat(actual.perClass().keySet()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        for (String c : expected.perClass().keySet()) {
            Metrics.ClassMetrics e = expected.perClass().get(c);
            Metrics.ClassMetrics a = actual.perClass().get(c);
            assertThat(a.support()).isEqualTo(e.support());
            assertThat(a.precision()).isCloseTo(e.precision(), within(1e-12));
            assertThat(a.recall()).isCloseTo(e.recall(), within(1e-12));
            assertThat(a.f1()).isCloseTo(e.f1(), within(1e-12));
            assertThat(a.meanIou()).isCloseTo(e.meanIou(), within(1e-12));
            assertThat(a.iouAt()).isEqualTo(e.iouAt());
        }
        // sanity of the figures themselves
        assertThat(expected.accuracy()).isBetween(0.6, 0.9);
        assertThat(expected.iouAt().get("0.5").share()).isGreaterThan(expected.iouAt().get("0.75").share());
        long total = 0;
        for (long[] row : expected.confusionMatrix()) {
            for (long v : row) {
                total += v;
            }
        }
        assertThat(total).isEqualTo(3000);
    }

    @Test
    void accumulatorHandlesHandComputedCases() {
        MetricsAccumulator acc = new MetricsAccumulator(List.of(0.5, 0.6), 4);
        float[] box = {0, 0, 0.5f, 0.5f};
        float[] sure = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        acc.add(Prediction.of(0, 1, sure, box, box));                            // right, IoU 1
        acc.add(Prediction.of(1, 2, sure, box, new float[] {0, 0, 0.5f, 0.25f})); // wrong (says 1), IoU 0.5
        acc.add(Prediction.of(2, 1, sure, box, new float[] {0.6f, 0.6f, 0.9f, 0.9f})); // right, IoU 0
        Metrics m = acc.result();
        assertThat(m.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.meanIou()).isCloseTo(0.5, within(1e-12));
        assertThat(m.iouAt().get("0.5").count()).isEqualTo(2);
        assertThat(m.iouAt().get("0.6").count()).isEqualTo(1);
        assertThat(m.perClass().get("1").precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.perClass().get("1").recall()).isEqualTo(1.0);
        assertThat(m.perClass().get("2").recall()).isZero();
        assertThat(m.perClass().get("2").f1()).isZero();
        assertThat(m.confusionMatrix()[2][1]).isEqualTo(1);
        assertThat(m.iouHistogram().counts()).containsExactly(1, 0, 1, 1);
    }
}
