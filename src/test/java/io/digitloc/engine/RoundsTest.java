package io.digitloc.engine;

import io.digitloc.config.Settings;
import io.digitloc.rounds.OuterOptimizer;
import io.digitloc.core.CanvasBatch;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.testing.TestSpark;
import io.digitloc.train.CanvasBatchLoader;
import io.digitloc.train.EpochFeed;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The barrier engine's averaging rounds (batch files): what dl4j-spark's round did, without its overhead. With every
 * batch file the same, every worker of a round fits the same steps from the same state, so the average
 * equals one network fitting its share alone: the parameters, Adam's state and the step count must come
 * through each round exactly, round after round.
 */
class RoundsTest {
    @TempDir
    static java.nio.file.Path tmp;

    /** Which networks fitted (identity), in local mode's one JVM. */
    static final class Networks extends BaseTrainingListener implements Serializable {
        static final Set<Integer> SEEN = Collections.synchronizedSet(new HashSet<>());

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            SEEN.add(System.identityHashCode(model));
        }
    }

    /** Jobs and stages Spark ran. */
    static final class Jobs extends SparkListener {
        final AtomicInteger jobs = new AtomicInteger();
        final AtomicInteger stages = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            jobs.incrementAndGet();
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted e) {
            stages.incrementAndGet();
        }
    }

    static List<String> identicalBatchFiles(int count, int size) {
        return identicalBatchFiles(count, size, tmp);
    }

    static List<String> identicalBatchFiles(int count, int size, java.nio.file.Path tmp) {
        Random r = new Random(7);
        int n = 8;
        byte[] pixels = new byte[n * size * size];
        r.nextBytes(pixels);
        byte[] labels = new byte[n];
        float[] boxes = new float[n * 4];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            boxes[4 * i] = 0.1f;
            boxes[4 * i + 1] = 0.2f;
            boxes[4 * i + 2] = 0.5f;
            boxes[4 * i + 3] = 0.6f;
        }
        CanvasBatch b = new CanvasBatch(size, labels, boxes, pixels);
        return EpochFeed.writeBatches(Collections.nCopies(count, b), new Path(tmp.resolve("b" + count).toString()), 0,
                HadoopConf.local());
    }

    static Settings settings(int frequency) {
        return Settings.load(null, Map.of("digitloc.train.averaging-frequency", frequency,
                "digitloc.train.batch-size", 16, "digitloc.train.checkpoint-rounds", 1));
    }

    /** The barrier engine: the same average, the whole fit in one job of one stage, the barrier stage. */
    @Test
    void twoBarrierWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAloneInOneStage() throws Exception {
        twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(2));
    }

    private static io.digitloc.rounds.RoundPhases.Summary twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(
            Settings settings) throws Exception {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<String> files = identicalBatchFiles(8, size); // 2 workers x frequency 2: 2 rounds of 4 batches
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2, 8);
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, driver, master);
        sparkNet.setListeners(new Networks());
        Networks.SEEN.clear();
        Jobs jobs = new Jobs();
        jsc.sc().addSparkListener(jobs);
        try {
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
            jsc.sc().listenerBus().waitUntilEmpty();
        } finally {
            jsc.sc().removeSparkListener(jobs);
        }
        // the whole fit is one job of one stage, the barrier stage: no count, no shuffle, no tree aggregation
        assertThat(jobs.jobs.get()).isEqualTo(1);
        assertThat(jobs.stages.get()).isEqualTo(1);
        // one network per task slot, kept for the second round (dl4j-spark built 2 a round: 4)
        assertThat(Networks.SEEN).hasSizeLessThanOrEqualTo(2);
        assertThat(master.phases().rounds()).isEqualTo(8 / (2 * settings.train().distribution().averagingFrequency()));

        // the same four steps on one network (each worker fitted 4 in all)
        var one = new CanvasBatchLoader();
        for (int i = 0; i < 4; i++) {
            try (var in = new java.io.FileInputStream(files.get(0).replace("file:", ""))) {
                alone.fit(CanvasBatch.readFrom(in, "b").toMultiDataSet());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        INDArray expected = alone.params();
        assertThat(driver.params().equalsWithEps(expected, 1e-5)).as("parameters").isTrue();
        assertThat(driver.getUpdater().getStateViewArray().equalsWithEps(alone.getUpdater().getStateViewArray(), 1e-5))
                .as("Adam's state").isTrue();
        // the schedule's count: frequency per round, as dl4j-spark counts
        assertThat(driver.getConfiguration().getIterationCount()).isEqualTo(4);
        assertThat(sparkNet.getScore()).isFinite();
        return master.phases().summary();
    }

    /**
     * The outer step (here momentum 0.5): the barrier workers each take it after every average, and must
     * land where the driver's {@link OuterOptimizer} lands stepping after one network's rounds (identical
     * workers: their average is that network's fit), velocity included, over two fits.
     */
    @Test
    void theBarrierWorkersOuterStepIsTheDriversOuterStep() {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<String> files = identicalBatchFiles(8, size); // a fit: 2 rounds of 2 batches each worker
        Settings s = settings(2).with(Map.of("digitloc.train.scale-out.outer-momentum", 0.5));
        ComputationGraph start = LocalizerNet.untrained(size, s.train(), 1);
        ComputationGraph driver = start.clone();
        ParameterAveragingMaster master = Masters.master(s, new Path(tmp.toString()), 2, 8);
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, driver, master);
        try {
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
            master.fitRounds(sparkNet, files, new CanvasBatchLoader()); // the velocity carried into a second fit
        } finally {
            master.release();
        }
        ComputationGraph alone = start.clone();
        OuterOptimizer reference = new OuterOptimizer(s.scaleOut().resolve(2));
        for (int round = 0; round < 4; round++) {
            INDArray before = alone.params().dup();
            fitAlone(alone, files.get(0), 2);
            reference.step(before, alone.params());
        }
        assertThat(driver.params().equalsWithEps(alone.params(), 1e-5)).as("parameters").isTrue();
        assertThat(master.outer().velocity().reshape(-1).equalsWithEps(reference.velocity().reshape(-1), 1e-5))
                .as("velocity").isTrue();
        assertThat(driver.params().equalsWithEps(start.params(), 1e-3)).as("it moved").isFalse();
    }

    private static void fitAlone(ComputationGraph net, String file, int batches) {
        for (int i = 0; i < batches; i++) {
            try (var in = new java.io.FileInputStream(file.replace("file:", ""))) {
                net.fit(CanvasBatch.readFrom(in, "b").toMultiDataSet());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Barrier stages in a row: a stage's workers keep its last average, so the next stage's start (the same
     * state) is not sent again; a driver that changed its network between fits has it sent, and the
     * workers fit on from the driver's, not from their own. Either way the fits equal one network.
     */
    @Test
    void aStageStartsFromTheWorkersOwnCopyOnlyWhenItIsTheDriversState() {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        Settings settings = settings(2);
        List<String> files = identicalBatchFiles(8, size); // a fit: each worker 4 identical batches
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2, 8);
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, driver, master);
        try {
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
            assertThat(master.phases().startsSent()).as("new networks: the start sent to both").isEqualTo(2);
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
            assertThat(master.phases().startsSent()).as("the second stage: from their own copies").isEqualTo(2);
            driver.params().muli(0.5);
            master.fitRounds(sparkNet, files, new CanvasBatchLoader());
            assertThat(master.phases().startsSent()).as("the driver's changed network: sent again").isEqualTo(4);
        } finally {
            master.release();
        }
        for (int fit = 0; fit < 3; fit++) {
            if (fit == 2) {
                alone.params().muli(0.5);
            }
            for (int i = 0; i < 4; i++) {
                try (var in = new java.io.FileInputStream(files.get(0).replace("file:", ""))) {
                    alone.fit(CanvasBatch.readFrom(in, "b").toMultiDataSet());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        assertThat(driver.params().equalsWithEps(alone.params(), 1e-5)).as("parameters").isTrue();
        assertThat(driver.getUpdater().getStateViewArray().equalsWithEps(alone.getUpdater().getStateViewArray(), 1e-5))
                .as("Adam's state").isTrue();
    }

    @Test
    void aRoundSmallerThanTheWorkersRunsOnlyTheBusyOnes() {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        Settings settings = settings(4);
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2, 8);
        List<String> files = identicalBatchFiles(1, size);
        master.fitRounds(new SparkComputationGraph(jsc, driver, master), files, new CanvasBatchLoader());
        try (var in = new java.io.FileInputStream(files.get(0).replace("file:", ""))) {
            alone.fit(CanvasBatch.readFrom(in, "b").toMultiDataSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // one batch: one worker fitted it, the idle one did not dilute the average
        assertThat(driver.params().equalsWithEps(alone.params(), 1e-5)).isTrue();
        assertThat(driver.getConfiguration().getIterationCount()).isEqualTo(4);
    }
}
