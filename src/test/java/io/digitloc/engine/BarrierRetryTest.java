package io.digitloc.engine;

import io.digitloc.config.Settings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.model.LocalizerNet;
import io.digitloc.testing.TestSpark;
import io.digitloc.train.CanvasBatchLoader;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A barrier worker that fails mid-stage: the whole stage is retried, and the retry starts from the
 * latest average the first worker sent to the driver, not from the stage's start, and ends where an
 * unbroken fit ends.
 */
class BarrierRetryTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path tmp;

    /** Fails worker 1 in the first attempt's third round; records (attempt, iteration) of every step. */
    static final class Failing extends BaseTrainingListener implements Serializable {
        static final List<int[]> STEPS = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            TaskContext t = TaskContext.get();
            int attempt = t == null ? -1 : BarrierStage.attempt(t);
            STEPS.add(new int[] {attempt, iteration});
            // iteration counts before this step: round 2 (from 0) begins at 2 rounds x frequency 2
            if (t instanceof BarrierTaskContext && attempt == 0 && t.partitionId() == 1 && iteration >= 4) {
                throw new IllegalStateException("injected failure of worker 1");
            }
        }
    }

    @Test
    void aFailedStageIsRetriedFromTheLatestAverage() throws Exception {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        Settings settings = RoundsTest.settings(2);
        List<String> files = RoundsTest.identicalBatchFiles(16, size, tmp); // 4 rounds of 2 workers x 2 batches
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2, 8);
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, driver, master);
        sparkNet.setListeners(new Failing());
        Failing.STEPS.clear();
        try {
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
        } finally {
            master.release();
        }
        for (int i = 0; i < 8; i++) {
            try (var in = new FileInputStream(files.get(0).replace("file:", ""))) {
                alone.fit(CanvasBatch.readFrom(in, "b").toMultiDataSet());
            }
        }
        assertThat(driver.params().equalsWithEps(alone.params(), 1e-5)).as("parameters").isTrue();
        assertThat(driver.getConfiguration().getIterationCount()).isEqualTo(8);
        int retriedFrom = Failing.STEPS.stream().filter(s -> s[0] == 1).mapToInt(s -> s[1]).min().orElse(-1);
        // averages went to the driver after rounds 1 and 2: the retry starts after one of them, not at 0
        assertThat(retriedFrom).isIn(2, 4);
    }
}
