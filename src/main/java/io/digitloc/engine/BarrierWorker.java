package io.digitloc.engine;

import io.digitloc.config.ScaleOutSettings;
import io.digitloc.io.HadoopConf;
import io.digitloc.rounds.OuterOptimizer;
import io.digitloc.rounds.FlatState;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.network.client.TransportClient;
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
 * One long-lived worker of a barrier stage: a Spark task that holds its network (kept on the executor
 * between stages, {@link WorkerNets}) for all the stage's rounds. It meets the others once at the
 * driver's {@link Tracker}, then each round fits its share of the round's batch files and averages
 * parameters, Adam's state and its last score with its peers directly ({@link SliceAllReduce} over a
 * {@link PeerLink}). Every worker ends a round with the same average, so they never drift apart; the
 * first one sends it to the driver every {@code checkpointRounds} rounds, and the stage's last.
 */
final class BarrierWorker implements FlatMapFunction<Iterator<BarrierWorker.Share>, BarrierWorker.Outcome> {
    private static final long serialVersionUID = 1L;

    /** What every worker of the stage shares (in the stage's closure). */
    record Setup(String training, ComputationGraphConfiguration configuration, HadoopConf hadoop,
                 MultiDataSetLoader loader, int batchSize, int prefetch, List<TrainingListener> listeners, int iteration,
                 int frequency, Meeting meeting, ScaleOutSettings.Outer outer) implements Serializable {
    }

    /**
     * Where the workers meet the driver's tracker, how long they wait for a peer or the driver, and how
     * often (in rounds) the first worker sends the average to the driver (0: only the stage's last).
     */
    record Meeting(Address tracker, int timeoutSeconds, int checkpointRounds) implements Serializable {
    }

    /** A host and port. */
    record Address(String host, int port) implements Serializable {
    }

    /** One worker's batch files, round by round (an empty round: it only takes part in the average). */
    record Share(int worker, List<List<String>> rounds) implements Serializable {
    }

    /**
     * What a worker reports (the stage's last average goes to the driver's tracker): per round from
     * {@code firstRound} its fitting, its wait for the average and its wall time (ns); whether the stage's
     * start came from the driver ({@code loaded}) or was the network's own from the stage before.
     */
    record Outcome(int worker, int firstRound, long[] fitNanos, long[] exchangeNanos, long[] wallNanos,
                   long startNanos, long bytesOut, boolean loaded) implements Serializable {
    }

    private final Setup setup;

    BarrierWorker(Setup setup) {
        this.setup = setup;
    }

    @Override
    public Iterator<Outcome> call(Iterator<Share> shares) throws Exception {
        if (!shares.hasNext()) {
            return Collections.emptyIterator();
        }
        Share share = shares.next();
        long t0 = System.nanoTime();
        io.digitloc.platform.NativeSetup.threadsOnThisThread(); // this task's share of the cores, for all its native calls
        BarrierTaskContext task = BarrierTaskContext.get();
        int workers = task.numPartitions();
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        WorkerNets.Kept kept = WorkerNets.take(setup.training(), () -> WorkerNets.build(setup.configuration()));
        ComputationGraph net = kept.net;
        try (PeerLink link = new PeerLink(share.worker(), workers, SparkEnv.get().conf(), host,
                setup.meeting().timeoutSeconds(), task::isInterrupted)) {
            Tracker.Rendezvous meet = hello(link, new Tracker.Hello(BarrierStage.attempt(task), share.worker(), host,
                    link.port(), kept.holds()));
            boolean updater = meet.held() ? kept.updater() : meet.start().state().updater() != null;
            kept.changing();
            link.connect(meet.peers());
            if (!meet.held()) { // else the network holds the start already: the end of the previous stage
                load(net, meet.start().state());
            }
            if (!setup.listeners().isEmpty()) {
                net.setListeners(setup.listeners());
            }
            long startNanos = System.nanoTime() - t0;
            Outcome out = rounds(kept, link, share, meet.start(), updater, startNanos, !meet.held());
            link.bye();
            return Collections.singletonList(out).iterator();
        } finally {
            WorkerNets.give(setup.training(), kept);
        }
    }

    /**
     * The stage's rounds from {@code start}; at the end the kept network holds the stage's last average, and
     * knows it. {@code loaded}: whether the start's state came from the driver (for the outcome).
     */
    private Outcome rounds(WorkerNets.Kept kept, PeerLink link, Share share, Tracker.Checkpoint start,
                           boolean updater, long startNanos, boolean loaded) throws Exception {
        ComputationGraph net = kept.net;
        int total = share.rounds().size();
        int first = start.round();
        long[] fit = new long[total - first];
        long[] exchange = new long[total - first];
        long[] wall = new long[total - first];
        Checkpoints checkpoints = new Checkpoints(share.worker() == 0 ? link : null, total);
        OuterStep outer = new OuterStep(setup.outer(), start.velocity());
        float[] values = null;
        RoundAverage average = new RoundAverage(link);
        for (int r = first; r < total; r++) {
            long t0 = System.nanoTime();
            List<String> paths = share.rounds().get(r);
            outer.begin(net);
            fit(net, paths, setup.iteration() + r * setup.frequency());
            long t1 = System.nanoTime();
            values = flat(net, updater, paths.isEmpty() ? 0 : net.score(), values);
            average.after(r, values, paths.isEmpty() ? 0 : 1); // a worker with nothing to fit weighs nothing
            unflat(net, values, updater);
            outer.end(net); // every worker the same step from the same average: they stay equal
            long t2 = System.nanoTime();
            fit[r - first] = t1 - t0;
            exchange[r - first] = t2 - t1;
            wall[r - first] = t2 - t0;
            checkpoints.offer(average, net, updater, outer);
        }
        if (values != null) { // else a retry found the stage done: the driver holds its last average
            FlatState end = state(net, updater);
            checkpoints.last(new Tracker.Checkpoint(total, end, values[values.length - 1], outer.velocity()));
            kept.holding(end.fingerprint(), updater);
        }
        return new Outcome(share.worker(), first, fit, exchange, wall, startNanos, link.bytesOut(), loaded);
    }

    /** Fits a round's batch files from the driver's step count (the schedule and Adam's bias correction read it). */
    private void fit(ComputationGraph net, List<String> paths, int iteration) {
        net.getConfiguration().setIterationCount(iteration);
        BatchFiles.fit(paths, setup.loader(), setup.hadoop(), setup.batchSize(), setup.prefetch(), net::fit);
    }

    /** The first worker's averages on their way to the driver, every {@code checkpointRounds} rounds. */
    private final class Checkpoints {
        private final PeerLink link;
        private final int total;
        private TransportClient driver;
        private int sent;

        /** @param link null: not the first worker, nothing to send */
        Checkpoints(PeerLink link, int total) {
            this.link = link;
            this.total = total;
        }

        void offer(RoundAverage average, ComputationGraph net, boolean updater, OuterStep outer) throws Exception {
            int rounds = average.agreedRounds();
            int every = setup.meeting().checkpointRounds();
            if (link == null || every <= 0 || rounds <= sent || rounds % every != 0 || rounds >= total) {
                return;
            }
            float[] a = average.agreed();
            FlatState state = state(net, updater); // the network holds the average (and the outer step)
            driver().send(Tracker.write(new Tracker.Checkpoint(rounds, state, a[a.length - 1], outer.velocity())));
            sent = rounds;
        }

        /** The stage's last average, to the driver, acknowledged before the worker ends. */
        void last(Tracker.Checkpoint c) throws Exception {
            if (link != null) {
                link.ask(driver(), Tracker.write(c));
            }
        }

        private TransportClient driver() throws Exception {
            driver = driver != null ? driver : link.client(setup.meeting().tracker().host(), setup.meeting().tracker().port());
            return driver;
        }
    }

    private Tracker.Rendezvous hello(PeerLink link, Tracker.Hello hello) throws Exception {
        TransportClient driver = link.client(setup.meeting().tracker().host(), setup.meeting().tracker().port());
        return (Tracker.Rendezvous) Tracker.read(link.ask(driver, Tracker.write(hello)));
    }

    private static void load(ComputationGraph net, FlatState state) {
        net.params().assign(Nd4j.createFromArray(state.params()));
        if (state.updater() != null) {
            net.getUpdater().getStateViewArray().assign(Nd4j.createFromArray(state.updater()));
        }
    }

    private static FlatState state(ComputationGraph net, boolean updater) {
        return new FlatState(net.params().toFloatVector(),
                updater ? net.getUpdater().getStateViewArray().toFloatVector() : null);
    }

    /**
     * The driver's outer step, taken by every worker after each average (plain averaging: nothing): from
     * the parameters the round began with to the average, with the velocity carried through the stage.
     */
    private static final class OuterStep {
        private final OuterOptimizer outer;
        private INDArray start;

        OuterStep(ScaleOutSettings.Outer settings, float[] velocity) {
            this.outer = settings.isPlainAveraging() ? null : new OuterOptimizer(settings);
            if (outer != null && velocity != null) {
                outer.restore(velocity);
            }
        }

        void begin(ComputationGraph net) {
            if (outer != null) {
                start = net.params().dup();
            }
        }

        void end(ComputationGraph net) {
            if (outer != null) {
                outer.step(start, net.params());
            }
        }

        /** The velocity to carry on, or null. */
        float[] velocity() {
            return outer == null || outer.velocity() == null ? null : outer.velocity().toFloatVector();
        }
    }

    /** Parameters, then Adam's state (when it travels), then the score: what one average carries. */
    private static float[] flat(ComputationGraph net, boolean updater, double score, float[] reuse) {
        INDArray p = net.params();
        INDArray u = updater ? net.getUpdater().getStateViewArray() : null;
        int np = Math.toIntExact(p.length());
        int length = np + (u == null ? 0 : Math.toIntExact(u.length())) + 1;
        float[] values = reuse != null && reuse.length == length ? reuse : new float[length];
        FlatArrays.copyOut(p, values, 0);
        if (u != null) {
            FlatArrays.copyOut(u, values, np);
        }
        values[length - 1] = (float) score;
        return values;
    }

    /** Copies an average made by {@link #flat} back into the network; returns its score. */
    private static double unflat(ComputationGraph net, float[] values, boolean updater) {
        INDArray p = net.params();
        FlatArrays.copyIn(values, 0, p);
        if (updater) {
            FlatArrays.copyIn(values, Math.toIntExact(p.length()), net.getUpdater().getStateViewArray());
        }
        return values[values.length - 1];
    }
}
