package io.digitloc.engine;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The training workers' networks kept alive in an executor JVM between barrier stages (as BigDL keeps model replicas beside the data): a task takes an idle network of its training,
 * fits, and gives it back. So a network is built once per concurrent task slot, not once per round. Each
 * kept network remembers the fingerprint of the state a barrier stage left in it, so the next stage
 * need not send that state again. Only one training's networks are kept: the first task of another
 * training (a new master: the next run) drops the others.
 */
final class WorkerNets {
    private static String training;
    private static final Deque<Kept> IDLE = new ArrayDeque<>();

    private WorkerNets() {
    }

    /**
     * A kept network and what it holds: the {@link io.digitloc.rounds.FlatState#fingerprint} of the state
     * a stage ended with, and whether that state had the updater's; 0 when unknown (new, or the task that
     * used it last did not end its stage).
     */
    static final class Kept {
        final ComputationGraph net;
        private long holds;
        private boolean updater;

        private Kept(ComputationGraph net) {
            this.net = net;
        }

        long holds() {
            return holds;
        }

        boolean updater() {
            return updater;
        }

        /** The network is about to change: what it holds is unknown until {@link #holding}. */
        void changing() {
            holds = 0;
        }

        /** The network now holds the state of fingerprint {@code fingerprint}. */
        void holding(long fingerprint, boolean withUpdater) {
            holds = fingerprint;
            updater = withUpdater;
        }
    }

    /** An idle network of {@code key}'s training, or a new one from {@code build}. */
    static Kept take(String key, Supplier<ComputationGraph> build) {
        synchronized (WorkerNets.class) {
            if (!key.equals(training)) {
                IDLE.clear();
                training = key;
            }
            Kept idle = IDLE.poll();
            if (idle != null) {
                return idle;
            }
        }
        return new Kept(build.get());
    }

    /** Returns a network taken with {@link #take} (dropped when its training is no longer the current one). */
    static synchronized void give(String key, Kept kept) {
        if (key.equals(training)) {
            IDLE.push(kept);
        }
    }

    /** A worker's network of {@code configuration}, on the calling thread's BLAS. */
    static ComputationGraph build(ComputationGraphConfiguration configuration) {
        ComputationGraph net = new ComputationGraph(configuration.clone());
        net.init();
        io.digitloc.platform.NativeSetup.blasOnCallingThread();
        return net;
    }

    /** Drops the idle networks of {@code key}'s training (the driver's JVM, when a fit ends in local mode). */
    static synchronized void release(String key) {
        if (key.equals(training)) {
            IDLE.clear();
            training = null;
        }
    }
}
