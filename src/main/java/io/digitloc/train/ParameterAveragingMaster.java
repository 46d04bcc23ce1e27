package io.digitloc.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;

/**
 * dl4j-spark's parameter averaging (1.0.0-M2) with two of its defects mended; both are pinned by
 * {@code ParameterAveragingMasterTest} against DL4J's own master.
 * <ol>
 * <li><b>Workers forget the step count.</b> Each round a worker rebuilds the network from a clone of the
 * driver's configuration, and the clone drops the iteration counter, so every round restarts at
 * iteration 0: a learning-rate schedule never gets past its first averagingFrequency steps (no decay,
 * a warm-up replayed every round) and Adam's bias correction restarts too (with its moments carried
 * over, that shrinks every step, to ~0.25x after 64 iterations). Here the worker's network starts at
 * the driver's iteration and epoch counts.</li>
 * <li><b>The end of each round is dropped.</b> DL4J cuts an epoch into
 * floor(batches / (workers x averagingFrequency)) rounds, so a round usually holds a few more batches
 * than workers x averagingFrequency, and its workers stop after averagingFrequency batches each: the
 * rest is never fitted (4.5% of a full-size epoch with one worker averaging every 64, a third of a
 * 12,000-canvas one). Here workers fit every batch they are handed, so parameters are averaged every
 * averagingFrequency batches or a few more.</li>
 * </ol>
 * Two additions, both in the driver's round loop: the {@link OuterOptimizer}'s step after each average
 * (plain averaging unless digitloc.train.scale-out says otherwise) and a progress line at most every
 * {@value #PROGRESS_SECONDS} s (rounds done, img/s, ETA of the epoch).
 * (Graphs only: the project trains a ComputationGraph.)
 */
final class ParameterAveragingMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingMaster.class);
    static final int PROGRESS_SECONDS = 30;

    private final transient OuterOptimizer outer;
    private transient long epochExamples;
    private transient long epochStart;
    private transient long lastProgress;
    private transient int epoch;

    ParameterAveragingMaster(ParameterAveragingTrainingMaster.Builder builder, OuterOptimizer outer) {
        super(builder);
        this.outer = outer;
    }

    OuterOptimizer outer() {
        return outer;
    }

    /** Called before each epoch's fit: what the progress lines count against. */
    void beginEpoch(int epoch, long examples) {
        this.epoch = epoch;
        this.epochExamples = examples;
        this.epochStart = System.nanoTime();
        this.lastProgress = epochStart;
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        INDArray start = graph.getNetwork().params().dup();
        super.processResults(network, graph, results, splitNum, totalSplits);
        outer.step(start, graph.getNetwork().params());
        progress(splitNum, totalSplits);
    }

    private void progress(int round, int rounds) {
        long now = System.nanoTime();
        if (epochExamples <= 0 || round == rounds || now - lastProgress < PROGRESS_SECONDS * 1_000_000_000L) {
            return;
        }
        lastProgress = now;
        double seconds = (now - epochStart) / 1e9;
        double done = (double) round / rounds;
        LOG.info(String.format("epoch %d: round %d/%d (%.0f%%), %.0f img/s, epoch ETA %s", epoch, round, rounds,
                100 * done, done * epochExamples / seconds, TrainJob.duration(seconds / done - seconds)));
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph net = graph.getNetwork();
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(
                new NetBroadcastTuple(net.getConfiguration(), net.params(), net.getUpdater().getStateViewArray()));
        // maxBatchesPerWorker 0 = no limit (DL4J passes averagingFrequency here)
        WorkerConfiguration worker = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker, 0,
                prefetchNumBatches, collectTrainingStats);
        return new Worker(broadcast, saveUpdater, worker, trainingHookList, listeners, getRouterProvider(),
                net.getConfiguration().getIterationCount(), net.getConfiguration().getEpochCount());
    }

    /** DL4J's worker whose network continues from the driver's step and epoch counts. */
    static final class Worker extends ParameterAveragingTrainingWorker {
        private static final long serialVersionUID = 1L;
        private final int iteration;
        private final int epoch;

        Worker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater, WorkerConfiguration configuration,
               Collection<TrainingHook> hooks, Collection<TrainingListener> listeners,
               StatsStorageRouterProvider router, int iteration, int epoch) {
            super(broadcast, saveUpdater, configuration, hooks, listeners, router);
            this.iteration = iteration;
            this.epoch = epoch;
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            ComputationGraph net = super.getInitialModelGraph();
            net.getConfiguration().setIterationCount(iteration);
            net.getConfiguration().setEpochCount(epoch);
            return net;
        }
    }
}
