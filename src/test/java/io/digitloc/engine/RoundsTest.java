package io.digitloc.engine;

import io.digitloc.config.Settings;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * The rebuilt averaging round (batch files): what dl4j-spark's round did, without its overhead. With every
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

    static Settings settings(int frequency, String engine) {
        return settings(frequency, engine, false);
    }

    static Settings settings(int frequency, String engine, boolean overlap) {
        return Settings.load(null, Map.of("digitloc.train.averaging-frequency", frequency,
                "digitloc.train.batch-size", 16, "digitloc.train.scale-out.worker-batch", 8,
                "digitloc.train.engine", engine, "digitloc.train.checkpoint-rounds", 1, "digitloc.train.overlap", overlap));
    }

    @Test
    void twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAloneInOneStagePerRound() throws Exception {
        twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(2, "rounds"), 2, 2);
    }

    /** The barrier engine: the same average, the whole fit in one job of one stage, the barrier stage. */
    @Test
    void twoBarrierWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAloneInOneStage() throws Exception {
        twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(2, "barrier"), 1, 1);
    }

    /** Overlapped (one-round-delayed) averages: identical workers' progress on top of their average is theirs. */
    @Test
    void overlappedBarrierWorkersEqualOneNetworkFittingItsShareAlone() throws Exception {
        twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(2, "barrier", true), 1, 1);
    }

    /**
     * Adam's moments kept on the workers: identical workers' moments are equal, so the result is the same;
     * the rounds but the last carry only the parameters (frequency 1: four rounds, three of them a third).
     */
    @Test
    void localMomentsEqualOneNetworkAndCarryAThirdOfTheBytesBetweenTheStagesEnds() throws Exception {
        Map<String, Object> local = Map.of("digitloc.train.local-moments", true);
        var plain = twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(1, "barrier"), 1, 1);
        var moments = twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(settings(1, "barrier").with(local), 1, 1);
        assertThat(plain.rounds()).isEqualTo(4);
        assertThat(moments.bytesOut()).isGreaterThan(0).isLessThan(0.55 * plain.bytesOut());
    }

    private static io.digitloc.rounds.RoundPhases.Summary twoWorkersOverTwoRoundsEqualOneNetworkFittingItsShareAlone(
            Settings settings, int jobCount, int stages)
            throws Exception {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<String> files = identicalBatchFiles(8, size); // 2 workers x frequency 2: 2 rounds of 4 batches
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2);
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
        // rounds: one job of one stage per round, no count, no shuffle, no tree aggregation; barrier: one for all
        assertThat(jobs.jobs.get()).isEqualTo(jobCount);
        assertThat(jobs.stages.get()).isEqualTo(stages);
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
     * The outer step (here momentum 0.5): the barrier engine's workers each take it after every average,
     * and must land where the per-round engine's driver lands, velocity included, over two fits.
     */
    @Test
    void theBarrierWorkersOuterStepIsTheDriversOfTheRoundEngine() {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<String> files = identicalBatchFiles(8, size);
        ComputationGraph start = LocalizerNet.untrained(size, settings(2, "rounds").train(), 1);
        ComputationGraph[] nets = new ComputationGraph[2];
        ParameterAveragingMaster[] masters = new ParameterAveragingMaster[2];
        String[] engines = {"rounds", "barrier"};
        for (int e = 0; e < 2; e++) {
            Settings s = Settings.load(null, Map.of("digitloc.train.averaging-frequency", 2,
                    "digitloc.train.batch-size", 16, "digitloc.train.scale-out.worker-batch", 8,
                    "digitloc.train.engine", engines[e], "digitloc.train.scale-out.outer-momentum", 0.5));
            nets[e] = start.clone();
            masters[e] = Masters.master(s, new Path(tmp.toString()), 2);
            SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, nets[e], masters[e]);
            masters[e].fitRounds(sparkNet, files, new CanvasBatchLoader());
            masters[e].fitRounds(sparkNet, files, new CanvasBatchLoader()); // the velocity carried into a second fit
            masters[e].release();
        }
        assertThat(nets[1].params().equalsWithEps(nets[0].params(), 1e-5)).as("parameters").isTrue();
        assertThat(masters[1].outer().velocity().reshape(-1).equalsWithEps(masters[0].outer().velocity().reshape(-1), 1e-5))
                .as("velocity").isTrue();
        assertThat(nets[1].params().equalsWithEps(start.params(), 1e-3)).as("it moved").isFalse();
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
        Settings settings = settings(2, "barrier");
        List<String> files = identicalBatchFiles(8, size); // a fit: each worker 4 identical batches
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2);
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

    @ParameterizedTest
    @ValueSource(strings = {"rounds", "barrier"})
    void aRoundSmallerThanTheWorkersRunsOnlyTheBusyOnes(String engine) {
        int size = 28;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        Settings settings = settings(4, engine);
        ComputationGraph driver = LocalizerNet.untrained(size, settings.train(), 1);
        ComputationGraph alone = driver.clone();
        ParameterAveragingMaster master = Masters.master(settings, new Path(tmp.toString()), 2);
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
