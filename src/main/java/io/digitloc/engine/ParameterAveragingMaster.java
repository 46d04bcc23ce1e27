package io.digitloc.engine;

import io.digitloc.core.Durations;
import io.digitloc.rounds.OuterOptimizer;
import io.digitloc.rounds.RoundPhases;
import io.digitloc.rounds.RoundPlan;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
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

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * dl4j-spark's parameter averaging (1.0.0-M2) with two of its defects mended; both are pinned by
 * {@code ParameterAveragingMasterTest} against DL4J's own master.
 * <ol>
 * <li><b>Workers forget the step count.</b> Each round a worker rebuilds the network from a clone of the
 * driver's configuration, and the clone drops the iteration counter, so every round restarts at
 * iteration 0: a learning-rate schedule never gets past its first averagingFrequency steps (no decay,
 * a warm-up replayed every round) and Adam's bias correction restarts too (with its moments carried
 * over, that shrinks every step more and more). Here the worker's network starts at
 * the driver's iteration and epoch counts.</li>
 * <li><b>The end of each round is dropped.</b> DL4J cuts an epoch into
 * floor(batches / (workers x averagingFrequency)) rounds, so a round usually holds a few more batches
 * than workers x averagingFrequency, and its workers stop after averagingFrequency batches each: the
 * rest is never fitted (ParameterAveragingMasterTest). Here workers fit every batch they are handed, so parameters are averaged every
 * averagingFrequency batches or a few more.</li>
 * </ol>
 * <b>The rounds of batch files run on the project's own engine</b> ({@code fitPaths}: the digits and
 * export approaches): dl4j-spark ran 2-3 Spark jobs a round (a count, a balancing shuffle, a tree
 * aggregation), broadcast the configuration, parameters and Adam state as INDArrays every round without
 * ever destroying them, and rebuilt every worker's network from a configuration clone. Here
 * ({@link #fitRounds}) the driver cuts the fit into rounds itself ({@link RoundPlan}, the same counts as
 * DL4J) and {@link BarrierRounds} runs them all as one Spark barrier stage of long-lived workers that keep
 * their networks ({@link WorkerNets}) and average among themselves after every round. Where the time of
 * each round goes is kept in {@link #phases()}. The RDD-of-MultiDataSet approach ({@code direct}) still
 * runs DL4J's round, with the two mends above.
 * <p>
 * Two additions: the {@link OuterOptimizer}'s step after each average (plain averaging unless
 * digitloc.train.scale-out says otherwise; the barrier workers take it, the driver for {@code direct}) and
 * a progress line at most every
 * {@value #PROGRESS_SECONDS} s (rounds done, img/s, ETA of the epoch).
 * (Graphs only: the project trains a ComputationGraph.)
 */
public final class ParameterAveragingMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingMaster.class);
    static final int PROGRESS_SECONDS = 30;
    static final int LISTENER_SECONDS = 5;

    private final transient OuterOptimizer outer;
    /** The engine that runs a fit's rounds: one barrier stage of long-lived workers. */
    private final transient BarrierRounds barrier;
    private final transient RoundPhases phases = new RoundPhases();
    private transient Progress onProgress;
    private transient Averages onAverage;
    private transient long epochExamples;
    private transient long epochStart;
    private transient long lastProgress;
    private transient long lastHeard;
    private transient int epoch;

    ParameterAveragingMaster(ParameterAveragingTrainingMaster.Builder builder, OuterOptimizer outer,
                             BarrierRounds barrier) {
        super(builder);
        this.outer = outer;
        this.barrier = barrier;
    }

    public OuterOptimizer outer() {
        return outer;
    }

    /** Where the time of this master's rounds went (batch-file rounds only). */
    public RoundPhases phases() {
        return phases;
    }

    /**
     * Sets the workers and each one's mini-batch of the fits that follow (an epoch's phase of the global
     * batch): a barrier stage of {@code workers} tasks, cutting the batch files it is handed into rounds of
     * theirs.
     */
    public void phase(int workers, int batch) {
        this.numWorkers = workers;
        this.batchSizePerWorker = batch;
    }

    /** Called before each epoch's fit: what the progress lines count against. */
    public void beginEpoch(int epoch, long examples) {
        this.epoch = epoch;
        this.epochExamples = examples;
        this.epochStart = System.nanoTime();
        this.lastProgress = epochStart;
        this.lastHeard = epochStart;
    }

    @Override
    public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<String> paths,
                                     DataSetLoader dsLoader, MultiDataSetLoader mdsLoader) {
        if (graph == null || mdsLoader == null) {
            super.executeTrainingPaths(network, graph, paths, dsLoader, mdsLoader);
            return;
        }
        fitRounds(graph, paths.collect(), mdsLoader);
    }

    /**
     * Fits {@code paths} (batch files) in rounds of {@code numWorkers} workers x {@code averagingFrequency}
     * batches (a few more when the epoch does not divide evenly: every batch is fitted). The files are
     * shuffled first (seeded by the master's rngSeed), as DL4J's random split did.
     */
    public void fitRounds(SparkComputationGraph graph, List<String> paths, MultiDataSetLoader loader) {
        if (paths.isEmpty()) {
            return; // nothing to fit: no round (DL4J skips an empty split the same way)
        }
        JavaSparkContext jsc = graph.getSparkContext();
        List<String> order = new ArrayList<>(paths);
        Collections.shuffle(order, new Random(rng.nextLong()));
        List<List<List<String>>> rounds = RoundPlan.cut(order, numWorkers, averagingFrequency);
        ComputationGraph net = graph.getNetwork();
        Heard heard = new Heard(rounds, batchSizePerWorker);
        var fit = new BarrierRounds.Fit(trainingMasterUID, loader, batchSizePerWorker,
                listeners == null ? List.of() : List.copyOf(listeners), averagingFrequency, numWorkers);
        graph.setScore(barrier.fit(jsc, net, rounds, fit, new BarrierRounds.Driver(phases, (done, score, params) -> {
            progress(done, rounds.size(), score);
            heard.average(done, params);
        }, outer)));
        progress(rounds.size(), rounds.size(), graph.getScore());
        heard.average(rounds.size(), net.params().toFloatVector());
    }

    /**
     * Frees the workers' networks this JVM keeps for this master (local mode: the driver's JVM ran the
     * workers). Executors drop theirs when another training's first task arrives.
     */
    public void release() {
        WorkerNets.release(trainingMasterUID);
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        INDArray start = graph.getNetwork().params().dup();
        super.processResults(network, graph, results, splitNum, totalSplits);
        outer.step(start, graph.getNetwork().params());
        progress(splitNum, totalSplits, graph.getScore());
    }

    /** What the driver hears at each progress line (the train job's TensorBoard scalars). */
    public interface Progress {
        /**
         * @param epochSamples samples of the current epoch fitted so far
         * @param score        the averaged network's last training loss
         */
        void at(long epochSamples, double score, double imagesPerSecond);
    }

    /** What the driver hears of the workers' averages on the way (the train job's moving average of the weights). */
    public interface Averages {
        /**
         * @param samples samples fitted since the previous call (0 for the first of a fit: nothing was counted)
         * @param params  the workers' averaged parameters (a copy the listener may keep)
         */
        void at(long samples, float[] params);
    }

    /** Called with each average the driver hears: every checkpoint of a barrier stage and its last, or every round. */
    public void onAverage(Averages listener) {
        this.onAverage = listener;
    }

    /** Counts a fit's samples between the averages the driver hears, from its rounds' batch files. */
    private final class Heard {
        private final long[] through;
        private int last;

        Heard(List<List<List<String>>> rounds, int batch) {
            through = new long[rounds.size() + 1];
            for (int r = 0; r < rounds.size(); r++) {
                through[r + 1] = through[r] + (long) batch * rounds.get(r).stream().mapToInt(List::size).sum();
            }
        }

        void average(int round, float[] params) {
            if (onAverage != null && round > last) {
                onAverage.at(through[round] - through[last], params);
                last = round;
            }
        }
    }

    /** Called at each progress line, after it is logged. */
    public void onProgress(Progress listener) {
        this.onProgress = listener;
    }

    private void progress(int round, int rounds, double score) {
        long now = System.nanoTime();
        double seconds = (now - epochStart) / 1e9;
        double done = (double) round / rounds;
        double imagesPerSecond = done * epochExamples / seconds;
        if (epochExamples <= 0) {
            return;
        }
        // the listener hears more often than the log: every few seconds and at the end of each fit
        if (onProgress != null && (round == rounds || now - lastHeard >= LISTENER_SECONDS * 1_000_000_000L)) {
            lastHeard = now;
            onProgress.at(Math.round(done * epochExamples), score, imagesPerSecond);
        }
        if (round == rounds || now - lastProgress < PROGRESS_SECONDS * 1_000_000_000L) {
            return;
        }
        lastProgress = now;
        LOG.info(String.format("epoch %d: round %d/%d (%.0f%%), %.0f img/s, epoch ETA %s", epoch, round, rounds,
                100 * done, imagesPerSecond, Durations.format(seconds / done - seconds)));
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
                new Counts(net.getConfiguration().getIterationCount(), net.getConfiguration().getEpochCount()));
    }

    /** The driver network's step and epoch counts, which a worker's copy continues from. */
    record Counts(int iteration, int epoch) implements java.io.Serializable {
    }

    /** DL4J's worker whose network continues from the driver's step and epoch counts. */
    static final class Worker extends ParameterAveragingTrainingWorker {
        private static final long serialVersionUID = 1L;
        private final Counts counts;

        Worker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater, WorkerConfiguration configuration,
               Collection<TrainingHook> hooks, Collection<TrainingListener> listeners,
               StatsStorageRouterProvider router, Counts counts) {
            super(broadcast, saveUpdater, configuration, hooks, listeners, router);
            this.counts = counts;
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            ComputationGraph net = super.getInitialModelGraph();
            net.getConfiguration().setIterationCount(counts.iteration());
            net.getConfiguration().setEpochCount(counts.epoch());
            return net;
        }
    }
}
