package io.digitloc.rounds;

import java.util.Locale;

/**
 * Where the time of parameter-averaging rounds goes, summed over rounds (Spark-free; the master records
 * each round). Per round: the driver's broadcast of the parameters, the Spark job (task launch, the
 * workers' set-up and fitting, result serialisation and fetch), the driver's aggregation and outer step.
 * The workers report their own set-up (broadcast fetch, parameters copied in) and fitting time; the
 * round's overhead is its wall time less its slowest worker's fitting time.
 */
public final class RoundPhases {
    private int rounds;
    private long wall;
    private long broadcast;
    private long job;
    private long setup;
    private long fit;
    private long aggregate;
    private long step;
    private long bytesOut;
    private long bytesIn;
    private long stage;
    private int startsSent;

    /**
     * One round, in nanoseconds: its wall time, the driver's broadcast, the Spark job, the slowest worker's
     * set-up and fit, the aggregation and outer step; bytes per worker (parameters and state sent to one
     * worker, and received from one).
     */
    public record Round(long wallNanos, long broadcastNanos, long jobNanos, long setupNanos, long fitNanos,
                        long aggregateNanos, long stepNanos, long bytesOutPerWorker, long bytesInPerWorker) {
    }

    /** Adds one round. */
    public synchronized void add(Round r) {
        rounds++;
        wall += r.wallNanos();
        broadcast += r.broadcastNanos();
        job += r.jobNanos();
        setup += r.setupNanos();
        fit += r.fitNanos();
        aggregate += r.aggregateNanos();
        step += r.stepNanos();
        bytesOut += r.bytesOutPerWorker();
        bytesIn += r.bytesInPerWorker();
    }

    /**
     * Adds a barrier stage's own cost (launch, the workers' rendezvous and set-up, results): the stage's
     * wall time less its rounds'. It counts in the wall time, and so in the overhead, of its rounds.
     * {@code setupNanos}, the slowest worker's set-up (rendezvous, network, state), is part of it.
     */
    public synchronized void addStage(long nanos, long setupNanos) {
        wall += nanos;
        stage += nanos;
        setup += setupNanos;
    }

    /**
     * Counts the barrier workers of a stage to which the driver sent the stage's start (the others' kept
     * networks held it already: the end of the stage before).
     */
    public synchronized void addStartsSent(int workers) {
        startsSent += workers;
    }

    public synchronized int startsSent() {
        return startsSent;
    }

    public synchronized int rounds() {
        return rounds;
    }

    /** Mean seconds per round of: wall, broadcast, job, set-up, fit, aggregation, outer step, overhead. */
    public synchronized Summary summary() {
        double n = Math.max(1, rounds);
        return new Summary(rounds, wall / n / 1e9, broadcast / n / 1e9, job / n / 1e9, setup / n / 1e9, fit / n / 1e9,
                aggregate / n / 1e9, step / n / 1e9, (wall - fit) / n / 1e9, bytesOut / n, bytesIn / n, stage / n / 1e9);
    }

    /** A copy, to diff against later (e.g. per epoch or per check). */
    public synchronized RoundPhases copy() {
        RoundPhases c = new RoundPhases();
        c.rounds = rounds;
        c.wall = wall;
        c.broadcast = broadcast;
        c.job = job;
        c.setup = setup;
        c.fit = fit;
        c.aggregate = aggregate;
        c.step = step;
        c.bytesOut = bytesOut;
        c.bytesIn = bytesIn;
        c.stage = stage;
        c.startsSent = startsSent;
        return c;
    }

    /** The rounds added since {@code earlier} (a copy of this one taken before). */
    public synchronized RoundPhases since(RoundPhases earlier) {
        RoundPhases d = new RoundPhases();
        d.rounds = rounds - earlier.rounds;
        d.wall = wall - earlier.wall;
        d.broadcast = broadcast - earlier.broadcast;
        d.job = job - earlier.job;
        d.setup = setup - earlier.setup;
        d.fit = fit - earlier.fit;
        d.aggregate = aggregate - earlier.aggregate;
        d.step = step - earlier.step;
        d.bytesOut = bytesOut - earlier.bytesOut;
        d.bytesIn = bytesIn - earlier.bytesIn;
        d.stage = stage - earlier.stage;
        d.startsSent = startsSent - earlier.startsSent;
        return d;
    }

    /**
     * Means per round, in seconds and bytes. {@code launchAndResults} is what the job took beyond the slowest
     * worker's set-up and fit: task launch, result serialisation and fetch. With the barrier engine a round's
     * job is its wall time on the first worker, its aggregation the worker's wait for the average, and
     * {@code stage} the barrier stage's own cost shared out over its rounds.
     */
    public record Summary(int rounds, double wall, double broadcast, double job, double setup, double fit,
                          double aggregate, double step, double overhead, double bytesOut, double bytesIn,
                          double stage) {
        public double launchAndResults() {
            return Math.max(0, job - setup - fit);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d rounds, per round %.3f s: fit %.3f, overhead %.3f (broadcast %.3f, "
                            + "launch+results %.3f, worker set-up %.3f, aggregation %.3f, outer step %.3f, stage %.3f); "
                            + "%.2f MB out, %.2f MB in per worker", rounds, wall, fit, overhead, broadcast,
                    launchAndResults(), setup, aggregate, step, stage, bytesOut / 1e6, bytesIn / 1e6);
        }
    }
}
