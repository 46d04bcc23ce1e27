package io.digitloc.engine;

import io.digitloc.config.Settings;
import io.digitloc.model.LocalizerNet;
import io.digitloc.rounds.OuterOptimizer;
import io.digitloc.testing.TestSpark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DL4J's parameter averaging drops the batches of a round beyond workers x frequency and restarts the
 * workers' step count every round; the project's master fits them all and carries the count.
 */
class ParameterAveragingMasterTest {
    /** Counts optimiser steps on the workers (local mode: the same JVM). */
    static final class CountingListener extends BaseTrainingListener implements Serializable {
        static final AtomicInteger STEPS = new AtomicInteger();
        static final List<Integer> ITERATIONS = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            STEPS.incrementAndGet();
            ITERATIONS.add(iteration);
        }
    }

    private static ParameterAveragingTrainingMaster.Builder builder() {
        // 2 workers, batches of 4, averaging every 2 batches
        return new ParameterAveragingTrainingMaster.Builder(2, 4).batchSizePerWorker(4).averagingFrequency(2)
                .saveUpdater(true).rddTrainingApproach(RDDTrainingApproach.Direct).repartionData(Repartition.Always)
                .rngSeed(1).collectTrainingStats(false);
    }

    /** Optimiser steps and the iteration numbers the workers used, per epoch, over two epochs. */
    private record Epochs(int steps, List<Integer> secondEpochIterations, int driverIterations) {
    }

    private static Epochs twoEpochs(TrainingMaster<?, ?> master) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
        List<MultiDataSet> batches = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batches.add(new org.nd4j.linalg.dataset.MultiDataSet(new org.nd4j.linalg.api.ndarray.INDArray[] {
                    Nd4j.rand(new int[] {4, 1, 28, 28})}, new org.nd4j.linalg.api.ndarray.INDArray[] {
                    Nd4j.eye(10).getRows(0, 1, 2, 3), Nd4j.rand(4, 4)}));
        }
        JavaRDD<MultiDataSet> rdd = jsc.parallelize(batches, 2);
        var net = LocalizerNet.untrained(28, Settings.defaults().train(), 1);
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, master);
        sparkNet.setListeners(new CountingListener());
        CountingListener.STEPS.set(0);
        sparkNet.fitMultiDataSet(rdd);
        CountingListener.ITERATIONS.clear();
        sparkNet.fitMultiDataSet(rdd);
        return new Epochs(CountingListener.STEPS.get() / 2, List.copyOf(CountingListener.ITERATIONS),
                sparkNet.getNetwork().getConfiguration().getIterationCount());
    }

    @Test
    void workersFitEveryBatchAndContinueTheDriversStepCount() {
        // 10 batches / (2 workers x 2) = 2 rounds of 5 batches a epoch; the driver counts 2 steps a round
        Epochs dl4j = twoEpochs(builder().build());
        // DL4J's own master: workers stop after 2 batches each, and restart at iteration 0 every round
        assertThat(dl4j.steps()).isEqualTo(8);
        assertThat(dl4j.secondEpochIterations()).containsOnly(0, 1);
        assertThat(dl4j.driverIterations()).isEqualTo(8);

        Epochs ours = twoEpochs(new ParameterAveragingMaster(builder(),
                new OuterOptimizer(new io.digitloc.config.ScaleOutSettings.Outer(1, 0, true)), null));
        assertThat(ours.steps()).isEqualTo(10);
        // epoch 2 starts where the driver's count stood after epoch 1 (2 rounds x 2), and moves on
        assertThat(ours.secondEpochIterations()).hasSize(10);
        assertThat(java.util.Collections.min(ours.secondEpochIterations())).isEqualTo(4);
        assertThat(java.util.Collections.max(ours.secondEpochIterations())).isBetween(7, 8);
        assertThat(ours.driverIterations()).isEqualTo(8);
    }
}
