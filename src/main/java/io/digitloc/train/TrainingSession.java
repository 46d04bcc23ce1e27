package io.digitloc.train;

import io.digitloc.config.Settings;
import io.digitloc.core.WeightAverage;
import io.digitloc.engine.Masters;
import io.digitloc.engine.ParameterAveragingMaster;
import io.digitloc.io.HadoopConf;
import io.digitloc.platform.NativeSetup;
import io.digitloc.config.BatchSchedule;
import io.digitloc.config.StepPlan;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training's engine, assembled in one place for the train job and {@code benchmark --scaling}: the
 * network on Spark (dl4j-spark's {@link SparkComputationGraph} driven by the project's
 * {@link ParameterAveragingMaster}, whose rounds run as barrier stages), the
 * {@link EpochFeed} that hands it each epoch's batches, the worker count they were sized for, and (with
 * train.ema-epochs) the {@link WeightAverage} the driver keeps from the averages it hears. Closing it frees the workers' networks kept in this JVM and removes the feed's digit packs.
 */
public final class TrainingSession implements AutoCloseable {

    /**
     * A session's size: the workers it can hold (task slots) and the global batch they share, epoch by
     * epoch, with the steps the learning-rate schedule counts.
     */
    public record Plan(int workers, BatchSchedule schedule) {
        /** Where the run's counted steps fall, for the learning-rate schedule. */
        public StepPlan steps() {
            return schedule.steps();
        }
    }

    private final Plan plan;
    private final ParameterAveragingMaster master;
    private final SparkComputationGraph sparkNet;
    private final EpochFeed feed;
    /** The weights' moving average, or null when train.ema-epochs is 0. */
    private final WeightAverage average;

    private TrainingSession(Plan plan, ParameterAveragingMaster master, SparkComputationGraph sparkNet, EpochFeed feed,
                            WeightAverage average) {
        this.plan = plan;
        this.master = master;
        this.sparkNet = sparkNet;
        this.feed = feed;
        this.average = average;
        if (average != null) {
            master.onAverage((samples, params) -> average.observe(params, samples));
        }
    }

    /**
     * Sizes a session of {@code workers} workers over {@code trainCount} canvases, and this JVM's native
     * threads for it (local mode: the cores shared by the tasks), before its network is made.
     */
    public static Plan plan(JavaSparkContext jsc, Settings settings, long trainCount, int workers) {
        NativeSetup.limitThreads(Masters.threadsPerTask(settings.train(), jsc));
        return new Plan(workers, settings.scaleOut().schedule(settings.train(), workers, trainCount));
    }

    /** The session that trains {@code network} (fresh, warm-started or resumed) at {@code plan}'s size. */
    public static TrainingSession open(JavaSparkContext jsc, Settings settings, TrainingData data, Plan plan,
                                       ComputationGraph network) {
        ParameterAveragingMaster master = Masters.master(settings, data.batches(), plan.schedule());
        SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, network, master);
        double ema = settings.train().optimiser().emaEpochs();
        return new TrainingSession(plan, master, sparkNet, new EpochFeed(jsc, settings, data, plan.schedule()),
                ema > 0 ? new WeightAverage(ema * data.trainCount()) : null);
    }

    public Plan plan() {
        return plan;
    }

    public ParameterAveragingMaster master() {
        return master;
    }

    public SparkComputationGraph sparkNet() {
        return sparkNet;
    }

    /** The network being trained (the driver's copy, the workers' average after each fit). */
    public ComputationGraph network() {
        return sparkNet.getNetwork();
    }

    /** Whether the driver keeps a moving average of the weights. */
    public boolean averagesWeights() {
        return average != null;
    }

    /**
     * The network to validate and keep: a copy of the network holding the weights' moving average, or the
     * network itself (no average kept, or none heard yet). Training always goes on from {@link #network()}.
     */
    public ComputationGraph kept() {
        ComputationGraph net = network();
        if (average == null || !average.started()) {
            return net;
        }
        ComputationGraph copy = net.clone();
        copy.params().assign(Nd4j.createFromArray(average.average()));
        return copy;
    }

    /** A resumed run's moving average starts again from {@code saved}'s weights (its last averaged checkpoint). */
    public void resumeAverage(ComputationGraph saved) {
        average.restart(saved.params().toFloatVector());
    }

    public EpochFeed feed() {
        return feed;
    }

    @Override
    public void close() {
        master.release();
        feed.close();
    }
}
