package io.digitloc.engine;

import io.digitloc.config.DistributionSettings;
import io.digitloc.io.HadoopConf;
import io.digitloc.rounds.FlatState;
import io.digitloc.rounds.OuterOptimizer;
import io.digitloc.rounds.RoundPhases;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The driver's side of the barrier engine: a fit's rounds run as one barrier stage of long-lived
 * {@link BarrierWorker}s that average among themselves; the driver only hosts their {@link Tracker},
 * hears the averages they send on the way (progress, and where a retried stage starts) and takes the
 * last one. The step count advances as dl4j-spark counts it: {@code frequency} per round.
 */
final class BarrierRounds {
    /** What a fit's workers fit with: the training's key, the batch files' loader, the mini-batch, the listeners. */
    record Fit(String training, MultiDataSetLoader loader, int batchSize, List<TrainingListener> listeners,
               int frequency, int workers) {
    }

    private final DistributionSettings settings;

    BarrierRounds(DistributionSettings settings) {
        this.settings = settings;
    }

    /** What the driver hears of each average a stage sends on the way: rounds done, its score, its parameters. */
    interface Heard {
        void at(int rounds, double score, float[] params);
    }

    /** What the driver keeps across a fit: the rounds' phases, what it hears on the way, the outer step's state. */
    record Driver(RoundPhases phases, Heard heard, OuterOptimizer outer) {
    }

    /**
     * Fits {@code rounds} (round, then worker, then batch files) on {@code net} and leaves the last average
     * in it; returns its score. {@code driver.heard()} hears each average sent on the way; the outer step
     * (if any) is taken by the workers and its velocity kept in {@code driver.outer()}.
     */
    double fit(JavaSparkContext jsc, ComputationGraph net, List<List<List<String>>> rounds, Fit fit, Driver driver) {
        RoundPhases phases = driver.phases();
        Heard heard = driver.heard();
        OuterOptimizer outer = driver.outer();
        INDArray v = outer == null ? null : outer.velocity();
        BarrierStage.requireSlots(jsc, fit.workers(), settings.exchangeTimeout());
        INDArray updater = net.getUpdater().getStateViewArray();
        FlatState start = new FlatState(net.params().toFloatVector(), updater == null ? null : updater.toFloatVector());
        int iteration = net.getConfiguration().getIterationCount();
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host", "localhost");
        try (Tracker tracker = new Tracker(conf, host, fit.workers(), new Tracker.Checkpoint(0, start, Double.NaN,
                v == null ? null : v.toFloatVector()),
                c -> heard.at(c.round(), c.score(), c.state().params()))) {
            BarrierWorker.Setup setup = new BarrierWorker.Setup(fit.training(), net.getConfiguration(),
                    new HadoopConf(jsc.hadoopConfiguration()), fit.loader(), fit.batchSize(), settings.prefetch(),
                    fit.listeners(), iteration,
                    fit.frequency(), new BarrierWorker.Meeting(new BarrierWorker.Address(host, tracker.port()),
                    settings.exchangeTimeout(), settings.checkpointRounds()),
                    outer == null ? new io.digitloc.config.ScaleOutSettings.Outer(1, 0, false) : outer.settings());
            long t0 = System.nanoTime();
            List<BarrierWorker.Share> shares = shares(rounds, fit.workers());
            List<BarrierWorker.Outcome> outcomes = new ArrayList<>(BarrierStage.attempts(jsc, fit.workers(),
                    settings.exchangeTimeout(), () -> BarrierStage.run(jsc, shares, new BarrierWorker(setup),
                            BarrierWorker.Outcome.class)));
            outcomes.sort(java.util.Comparator.comparingInt(BarrierWorker.Outcome::worker));
            long stage = System.nanoTime() - t0;
            Tracker.Checkpoint last = tracker.latest();
            if (last.round() != rounds.size()) {
                throw new IllegalStateException("the barrier stage ended without its last average (round "
                        + last.round() + " of " + rounds.size() + ")");
            }
            net.params().assign(Nd4j.createFromArray(last.state().params()));
            if (updater != null) {
                updater.assign(Nd4j.createFromArray(last.state().updater()));
            }
            net.getConfiguration().setIterationCount(iteration + rounds.size() * fit.frequency());
            if (outer != null && last.velocity() != null) {
                outer.restore(last.velocity());
            }
            record(phases, outcomes, stage);
            return last.score();
        }
    }

    /** Worker w's share: its batch files of each round. */
    static List<BarrierWorker.Share> shares(List<List<List<String>>> rounds, int workers) {
        List<BarrierWorker.Share> shares = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            shares.add(new BarrierWorker.Share(w, rounds.stream().map(r -> List.copyOf(r.get(worker))).toList()));
        }
        return shares;
    }

    /**
     * Each round as the first worker saw it (its wall time, its wait for the average) with the slowest
     * worker's fitting, the bytes a worker sent its peers per round (measured: an all-reduce receives as
     * much); the stage's time beyond its rounds as the stage's own cost.
     */
    private static void record(RoundPhases phases, List<BarrierWorker.Outcome> outcomes, long stageNanos) {
        BarrierWorker.Outcome lead = outcomes.get(0);
        long sent = outcomes.stream().mapToLong(BarrierWorker.Outcome::bytesOut).sum() / outcomes.size();
        long bytes = sent / Math.max(1, lead.wallNanos().length);
        long rounds = 0;
        for (int i = 0; i < lead.wallNanos().length; i++) {
            long fit = 0;
            for (BarrierWorker.Outcome o : outcomes) {
                fit = Math.max(fit, o.fitNanos()[i]);
            }
            phases.add(new RoundPhases.Round(lead.wallNanos()[i], 0, fit, 0, fit, lead.exchangeNanos()[i], 0, bytes, bytes));
            rounds += lead.wallNanos()[i];
        }
        long setup = outcomes.stream().mapToLong(BarrierWorker.Outcome::startNanos).max().orElse(0);
        phases.addStage(Math.max(0, stageNanos - rounds), setup);
        phases.addStartsSent((int) outcomes.stream().filter(BarrierWorker.Outcome::loaded).count());
    }
}
