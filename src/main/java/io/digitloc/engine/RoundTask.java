package io.digitloc.engine;

import io.digitloc.io.HadoopConf;
import io.digitloc.rounds.FlatState;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * One worker's part of an averaging round, run as a Spark task: its share of the round's batch files
 * fitted on the executor's kept network ({@link WorkerNets}) from the round's parameters, returned as
 * flat float arrays. Re-running it (a lost executor) gives the same result: everything it starts from
 * comes with the round.
 */
final class RoundTask implements FlatMapFunction<Iterator<List<String>>, RoundTask.Result> {
    private static final long serialVersionUID = 1L;

    /** What stays the same for a whole fit: broadcast once. */
    record Setup(String training, ComputationGraphConfiguration configuration, HadoopConf hadoop,
                 MultiDataSetLoader loader, int batchSize, int prefetch, List<TrainingListener> listeners)
            implements Serializable {
    }

    /** What a round starts from (its arrays' updater null when no updater state travels): broadcast each round, destroyed when it ends. */
    record State(FlatState arrays, int iteration, int epoch) implements Serializable {
    }

    /** A worker's parameters and updater state after its batches, its last score and timings (ns). */
    record Result(FlatState arrays, double score, long setupNanos, long fitNanos) implements Serializable {
    }

    private final Broadcast<Setup> setup;
    private final Broadcast<State> state;

    RoundTask(Broadcast<Setup> setup, Broadcast<State> state) {
        this.setup = setup;
        this.state = state;
    }

    @Override
    public Iterator<Result> call(Iterator<List<String>> shares) {
        if (!shares.hasNext()) {
            return Collections.emptyIterator();
        }
        List<String> paths = shares.next();
        long start = System.nanoTime();
        io.digitloc.platform.NativeSetup.threadsOnThisThread(); // this task's share of the cores, for all its native calls
        Setup s = setup.value();
        State round = state.value();
        WorkerNets.Kept kept = WorkerNets.take(s.training(), () -> build(s));
        kept.changing();
        ComputationGraph net = kept.net;
        try {
            net.params().assign(Nd4j.createFromArray(round.arrays().params()));
            if (round.arrays().updater() != null) {
                net.getUpdater().getStateViewArray().assign(Nd4j.createFromArray(round.arrays().updater()));
            }
            // continue the driver's counts: the learning-rate schedule and Adam's bias correction read them
            net.getConfiguration().setIterationCount(round.iteration());
            net.getConfiguration().setEpochCount(round.epoch());
            if (!s.listeners().isEmpty()) {
                net.setListeners(s.listeners());
            }
            long fitStart = System.nanoTime();
            BatchFiles.fit(paths, s.loader(), s.hadoop(), s.batchSize(), s.prefetch(), net::fit);
            long fitEnd = System.nanoTime();
            INDArray updater = round.arrays().updater() == null ? null : net.getUpdater().getStateViewArray();
            return Collections.singletonList(new Result(new FlatState(net.params().toFloatVector(),
                    updater == null ? null : updater.toFloatVector()), net.score(), fitStart - start,
                    fitEnd - fitStart)).iterator();
        } finally {
            WorkerNets.give(s.training(), kept);
        }
    }

    private static ComputationGraph build(Setup s) {
        return build(s.configuration());
    }

    /** A worker's network of {@code configuration}, on the calling thread's BLAS. */
    static ComputationGraph build(ComputationGraphConfiguration configuration) {
        ComputationGraph net = new ComputationGraph(configuration.clone());
        net.init();
        io.digitloc.platform.NativeSetup.blasOnCallingThread();
        return net;
    }
}
