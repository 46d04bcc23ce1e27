package io.digitloc.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The training workers' networks kept alive in an executor JVM between averaging rounds (as BigDL keeps
 * model replicas beside the data): a round's task takes an idle network of its training, copies the
 * round's parameters into it, fits, and gives it back. So a network is built once per concurrent task
 * slot, not once per round. Only one training's networks are kept: the first task of another training
 * (a new master: the next run, or the warm-up's one-worker master) drops the others.
 */
final class WorkerNets {
    private static String training;
    private static final Deque<ComputationGraph> IDLE = new ArrayDeque<>();

    private WorkerNets() {
    }

    /** An idle network of {@code key}'s training, or a new one from {@code build}. */
    static ComputationGraph take(String key, Supplier<ComputationGraph> build) {
        synchronized (WorkerNets.class) {
            if (!key.equals(training)) {
                IDLE.clear();
                training = key;
            }
            ComputationGraph idle = IDLE.poll();
            if (idle != null) {
                return idle;
            }
        }
        return build.get();
    }

    /** Returns a network taken with {@link #take} (dropped when its training is no longer the current one). */
    static synchronized void give(String key, ComputationGraph net) {
        if (key.equals(training)) {
            IDLE.push(net);
        }
    }

    /** Drops the idle networks of {@code key}'s training (the driver's JVM, when a fit ends in local mode). */
    static synchronized void release(String key) {
        if (key.equals(training)) {
            IDLE.clear();
            training = null;
        }
    }
}
