package io.digitloc.bench;

import io.digitloc.config.Settings;
import io.digitloc.config.SparkSettings;
import io.digitloc.core.QuickScore;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.model.LocalizerNet;
import io.digitloc.platform.NativeSetup;
import io.digitloc.spark.SparkSessions;
import io.digitloc.train.QuickEvaluation;
import io.digitloc.rounds.RoundPhases;
import io.digitloc.rounds.AllReduceProjection;
import io.digitloc.train.EpochFeed;
import io.digitloc.train.TrainingData;
import io.digitloc.train.TrainingSession;
import io.digitloc.engine.ParameterAveragingMaster;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scaling of parameter averaging, in samples and in time: for each worker count N (Spark {@code local[N]},
 * or N one-core executors of any cluster), trains the same recipe from the same initial weights on the
 * same data, through the train job's own {@link EpochFeed} and master, until a validation target
 * (accuracy and share of boxes at IoU >= 0.6) or a sample cap, checking every {@code checkEvery}
 * samples. E(N) = samples one worker needed / samples N workers needed. Also records img/s, the
 * seconds to the target and the master's per-round phases ({@link RoundPhases}), from which
 * {@link #projection} projects larger clusters.
 */
public final class ScalingBenchmark {
    /** What counts as reaching the target. */
    public record Target(double accuracy, double shareFound, long maxSamples, long checkEvery, int validationCanvases) {
    }

    /** One check of the validation figures. */
    public record Point(long samples, double accuracy, double shareFound, double meanIou, double fitSeconds) {
    }

    /** One worker count's run. */
    public record Run(int workers, int workerBatch, String master, boolean reached, long samplesToTarget,
                      double interpolatedSamplesToTarget, long samplesSeen, double fitSeconds,
                      double imagesPerSecond, RoundPhases.Summary phases, String outerStep, String rate,
                      List<Point> curve) {
        /** A round's wall time less its slowest worker's fitting. */
        public double roundOverheadSeconds() {
            return phases.overhead();
        }
    }

    private final Settings settings;
    private final Target target;
    private final Consumer<String> out;

    public ScalingBenchmark(Settings settings, Target target, Consumer<String> out) {
        this.settings = settings;
        this.target = target;
        this.out = out;
    }

    /**
     * Trains with {@code workers} workers until the target or the cap. A local master (the default) runs
     * {@code local[N]}; any other master (spark://, yarn, k8s://, from the settings or spark-submit) gets a
     * fresh application with N one-task executors ({@code spark.cores.max} / {@code spark.executor.instances}).
     */
    public Run run(int workers) {
        String master = new org.apache.spark.SparkConf().get("spark.master", settings.spark().master());
        boolean local = SparkSessions.isLocal(master);
        Map<String, String> extra = local ? Map.of("spark.master", "local[" + workers + "]")
                : Map.of("spark.master", master, "spark.cores.max", Integer.toString(workers),
                "spark.executor.instances", Integer.toString(workers), "spark.executor.cores", "1");
        SparkSession spark = SparkSessions.getOrCreate(new SparkSettings(master,
                settings.spark().appName() + "-scaling-" + workers), extra);
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int registered = local ? workers : SparkSessions.awaitExecutors(jsc, workers, 120);
            if (registered < workers) {
                throw new IllegalStateException(workers + " executors asked of " + master + ", " + registered + " came");
            }
            return train(spark, workers);
        } finally {
            spark.stop();
        }
    }

    private Run train(SparkSession spark, int workers) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        CanvasDataset ds = CanvasDataset.open(spark, settings.data().dir());
        int size = ds.manifest().canvasSize();
        Dataset<Row> validation = ds.read(Split.VALIDATION).orderBy("id").limit(target.validationCanvases()).cache();
        validation.count();
        long trainCount = ds.manifest().split(Split.TRAIN).count();
        TrainingSession.Plan plan = TrainingSession.plan(jsc, settings, trainCount, workers);
        Path dir = new Path(System.getProperty("java.io.tmpdir"), "digitloc-scaling-" + System.nanoTime());
        // counted steps as the train job's schedule counts them, so the same recipe means the same rates
        ComputationGraph net = LocalizerNet.untrained(size, settings.train(), settings.seed(), plan.stepsPerEpoch(),
                plan.lrScaling());
        // the train job's own session: the same export, shuffling, warm-up and engine
        Trial trial = new Trial(jsc, TrainingSession.open(jsc, settings,
                new TrainingData(ds.read(Split.TRAIN), trainCount, size, dir, conf), plan, net), validation, size);
        out.accept(String.format("scaling: %d workers (%s), batch %d per worker, rate %s, %s",
                workers, jsc.master(), plan.workerBatch(), plan.lrScaling().describe(), trial.outer));
        try {
            for (int epoch = 1; !trial.done(); epoch++) {
                trial.epoch(epoch);
                HadoopFiles.deleteQuietly(HadoopFiles.fs(trial.feed.epochDir(epoch), conf), trial.feed.epochDir(epoch));
            }
        } finally {
            trial.session.close();
            HadoopFiles.deleteQuietly(HadoopFiles.fs(dir, conf), dir);
            validation.unpersist();
        }
        return trial.result();
    }

    /** One worker count's training to the target: its session, its checks so far. */
    private final class Trial {
        final JavaSparkContext jsc;
        final TrainingSession session;
        final EpochFeed feed;
        final Dataset<Row> validation;
        final int size;
        final int batch;
        final int workers;
        final long warmupBatches;
        final String outer;
        final org.deeplearning4j.core.loader.MultiDataSetLoader loader;
        final List<Point> curve = new ArrayList<>();
        long samples;
        double fitSeconds;
        boolean reached;

        Trial(JavaSparkContext jsc, TrainingSession session, Dataset<Row> validation, int size) {
            this.jsc = jsc;
            this.session = session;
            this.feed = session.feed();
            this.loader = feed.loader();
            this.validation = validation;
            this.size = size;
            this.batch = session.plan().workerBatch();
            this.workers = session.plan().workers();
            this.warmupBatches = feed.warmupBatches(1, false);
            this.outer = settings.scaleOut().resolve(workers).toString()
                    + (warmupBatches > 0 ? ", warm-up " + warmupBatches * batch + " samples on "
                    + settings.scaleOut().warmupWorkers(workers) + " worker(s)" : "");
        }

        boolean done() {
            return reached || samples >= target.maxSamples();
        }

        /** One epoch's batches: the warm-up's (first epoch), then chunks of whole rounds, a check after each. */
        void epoch(int epoch) {
            SparkComputationGraph sparkNet = session.sparkNet();
            List<String> paths = feed.epochBatches(epoch);
            long t0 = System.nanoTime();
            List<String> rest = feed.warmUp(sparkNet, epoch, paths, epoch == 1 ? warmupBatches : 0);
            if (rest.size() < paths.size()) {
                fitted(t0, paths.size() - rest.size());
            }
            // rounds hold workers x frequency batches; a check falls after whole rounds
            long roundBatches = (long) workers * settings.train().distribution().averagingFrequency();
            long checkBatches = Math.max(roundBatches,
                    Math.round((double) target.checkEvery() / batch / roundBatches) * roundBatches);
            for (int from = 0; from < rest.size() && !done(); ) {
                int to = (int) Math.min(rest.size(), from + checkBatches);
                if (rest.size() - to < roundBatches) {
                    to = rest.size(); // a short tail joins this chunk
                }
                long t1 = System.nanoTime();
                session.master().fitRounds(sparkNet, rest.subList(from, to), loader);
                fitted(t1, to - from);
                from = to;
            }
        }

        /** Counts {@code batches} fitted since {@code start} and checks the validation figures. */
        private void fitted(long start, int batches) {
            fitSeconds += (System.nanoTime() - start) / 1e9;
            samples += (long) batches * batch; // the last batch of a partition may be short: close enough
            QuickScore s = QuickEvaluation.score(jsc, session.network(), validation, size, batch);
            curve.add(new Point(samples, s.accuracy(), s.shareFound(), s.meanIou(), fitSeconds));
            out.accept(String.format("  %d workers: %,d samples, accuracy %.2f%%, IoU>=0.6 %.1f%%, mean IoU %.3f, "
                            + "%.0f img/s, round overhead %.3f s", workers, samples, 100 * s.accuracy(),
                    100 * s.shareFound(), s.meanIou(), samples / fitSeconds,
                    session.master().phases().summary().overhead()));
            reached = s.accuracy() >= target.accuracy() && s.shareFound() >= target.shareFound();
        }

        Run result() {
            RoundPhases.Summary phases = session.master().phases().summary();
            out.accept(String.format("  %d workers: %s", workers, phases));
            return new Run(workers, batch, jsc.master(), reached, reached ? samples : -1,
                    reached ? interpolate(curve) : -1, samples, fitSeconds, samples / fitSeconds, phases, outer,
                    session.plan().lrScaling().describe(), curve);
        }
    }

    /**
     * Seconds of one optimiser step of the global batch on one worker with {@code threads} ND4J threads, in
     * this JVM (Spark local, the train split's first canvases): the compute a projection gives an executor
     * of that many cores.
     */
    public double stepSeconds(int threads) {
        return stepSeconds(threads, settings.train().batchSize());
    }

    /** As {@link #stepSeconds(int)}, for a step of {@code batch} samples (a worker's share of the batch). */
    public double stepSeconds(int threads, int batch) {
        SparkSession spark = SparkSessions.getOrCreate(new SparkSettings("local[1]", settings.spark().appName() + "-step"),
                Map.of("spark.master", "local[1]"));
        try {
            CanvasDataset ds = CanvasDataset.open(spark, settings.data().dir());
            int size = ds.manifest().canvasSize();
            List<Row> rows = ds.read(Split.TRAIN).orderBy("id").limit(25 * batch).collectAsList();
            List<org.nd4j.linalg.dataset.api.MultiDataSet> data = new ArrayList<>();
            for (int from = 0; from + batch <= rows.size(); from += batch) {
                data.add(io.digitloc.data.CanvasRows.batch(rows.subList(from, from + batch), size).toMultiDataSet());
            }
            NativeSetup.limitThreads(threads);
            ComputationGraph net = LocalizerNet.untrained(size, settings.train(), settings.seed());
            data.subList(0, 5).forEach(net::fit); // warm-up: JIT, workspaces
            long t0 = System.nanoTime();
            data.subList(5, data.size()).forEach(net::fit);
            return (System.nanoTime() - t0) / 1e9 / (data.size() - 5);
        } finally {
            spark.stop();
        }
    }

    /**
     * Samples at which the target was crossed, interpolated linearly between the last check below it
     * and the first at or above it (on the figure that crossed last).
     */
    double interpolate(List<Point> curve) {
        Point hit = curve.get(curve.size() - 1);
        if (curve.size() == 1) {
            return hit.samples();
        }
        Point before = curve.get(curve.size() - 2);
        double fa = fraction(before.accuracy(), hit.accuracy(), target.accuracy());
        double fb = fraction(before.shareFound(), hit.shareFound(), target.shareFound());
        double f = Math.max(fa, fb);
        return before.samples() + f * (hit.samples() - before.samples());
    }

    /**
     * Samples to the target read off power-law fits rather than single noisy checks: for each figure,
     * log(1 - figure) against log(samples) fitted by least squares over the checks past
     * {@code fromSamples} (past the initial plateau), solved for the target; the later of the two
     * crossings. A check's box figure moves a lot between neighbours, so one crossing is noisy
     * (docs/performance.md); the fit uses every check of the run. NaN when a fit has no downward slope.
     */
    double fittedSamplesToTarget(List<Point> curve, long fromSamples) {
        double a = crossing(curve, fromSamples, true, target.accuracy());
        double b = crossing(curve, fromSamples, false, target.shareFound());
        return Math.max(a, b);
    }

    private static double crossing(List<Point> curve, long fromSamples, boolean accuracy, double goal) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (Point p : curve) {
            double figure = accuracy ? p.accuracy() : p.shareFound();
            if (p.samples() < fromSamples || figure >= 1) {
                continue;
            }
            double x = Math.log(p.samples());
            double y = Math.log(1 - figure);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            n++;
        }
        double slope = n < 3 ? Double.NaN : (n * sxy - sx * sy) / (n * sxx - sx * sx);
        if (!(slope < 0)) {
            return Double.NaN;
        }
        double intercept = (sy - slope * sx) / n;
        return Math.exp((Math.log(1 - goal) - intercept) / slope);
    }

    private static double fraction(double from, double to, double goal) {
        if (from >= goal) {
            return 0;
        }
        return to <= from ? 1 : Math.min(1, (goal - from) / (to - from));
    }

    /** The whole sweep as the JSON document of docs/scaling.json. */
    public static Map<String, Object> document(String command, String machine, Target target, List<Run> runs) {
        return document(command, machine, target, runs, null);
    }

    /**
     * What the projection to two-core executors is made from: one step's seconds on two threads by
     * mini-batch (the global batch at least), the steps per round, the global batch, and a batch per
     * worker's global limit (0: the shared batch).
     */
    public record ProjectionInputs(Map<Integer, Double> twoCoreStepSeconds, int frequency, int globalBatch,
                                   int globalBatchLimit) {
    }

    /**
     * As {@link #document(String, String, Target, List)}, with the projection to executors of two cores on 10
     * and 1 GbE from the measured phases of the runs (the scaling records in docs/records/ hold them).
     */
    public static Map<String, Object> document(String command, String machine, Target target, List<Run> runs,
                                               ProjectionInputs inputs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", java.time.LocalDate.now().toString());
        doc.put("machine", machine);
        doc.put("command", command);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("accuracy", target.accuracy());
        t.put("iou_at_0.6", target.shareFound());
        t.put("validation_canvases", target.validationCanvases());
        t.put("max_samples", target.maxSamples());
        t.put("check_every_samples", target.checkEvery());
        doc.put("target", t);
        Run one = runs.stream().filter(r -> r.workers() == 1 && r.reached()).findFirst().orElse(null);
        ScalingBenchmark fits = new ScalingBenchmark(null, target, line -> { });
        long fitFrom = 2 * target.checkEvery() + 24_576; // past the warm-up and the plateau
        double oneFitted = one == null ? Double.NaN : fits.fittedSamplesToTarget(one.curve(), fitFrom);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Run r : runs) {
            list.add(entry(r, one, oneFitted, fits, fitFrom));
        }
        doc.put("runs", list);
        if (inputs != null) {
            AllReduceProjection p = allReduceProjection(runs, inputs);
            if (p != null) {
                doc.put("projection_inputs", Map.of("step_seconds_two_cores_by_batch", p.stepSeconds(),
                        "frequency", p.frequency(), "single_s", round(p.singleSeconds()),
                        "fixed_s", round(p.fixedSeconds()), "state_bytes", Math.round(p.stateBytes())));
                doc.put("projection", projectionRows(p::compute, p::overhead, p::speedup, p::workerBatch, runs, one));
            }
        }
        return doc;
    }

    /** One run's entry of the document: its figures, E(N) against the one-worker run, phases and curve. */
    private static Map<String, Object> entry(Run r, Run one, double oneFitted, ScalingBenchmark fits, long fitFrom) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", r.workers());
        m.put("worker_batch", r.workerBatch());
        m.put("reached", r.reached());
        m.put("samples_to_target", r.samplesToTarget());
        m.put("samples_to_target_interpolated", Math.round(r.interpolatedSamplesToTarget()));
        double e = one == null || !r.reached() ? Double.NaN
                : one.interpolatedSamplesToTarget() / r.interpolatedSamplesToTarget();
        m.put("efficiency", Double.isNaN(e) ? null : round(e));
        double fitted = fits.fittedSamplesToTarget(r.curve(), fitFrom);
        m.put("samples_to_target_fitted", Double.isNaN(fitted) ? null : Math.round(fitted));
        double ef = oneFitted / fitted;
        m.put("efficiency_fitted", Double.isNaN(ef) || Double.isInfinite(ef) ? null : round(ef));
        m.put("samples_seen", r.samplesSeen());
        m.put("rounds", r.phases().rounds());
        m.put("master", r.master());
        m.put("executors", r.workers());
        m.put("cores_per_executor", SparkSessions.isLocal(r.master()) ? 0 : 1);
        m.put("img_per_s", Math.round(r.imagesPerSecond()));
        m.put("round_overhead_s", round(r.roundOverheadSeconds()));
        m.put("seconds_to_target", r.reached() ? round(secondsAt(r.curve(), r.interpolatedSamplesToTarget())) : null);
        m.put("round_phases", phases(r.phases()));
        double compute = r.phases().fit();
        m.put("projected_cluster_speedup", Double.isNaN(e) || compute <= 0 ? null
                : round(r.workers() * e * compute / (compute + r.roundOverheadSeconds())));
        m.put("outer_step", r.outerStep());
        m.put("learning_rate", r.rate());
        List<Map<String, Object>> pts = new ArrayList<>();
        for (Point p : r.curve()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("samples", p.samples());
            pm.put("accuracy", round(p.accuracy()));
            pm.put("iou_at_0.6", round(p.shareFound()));
            pm.put("mean_iou", round(p.meanIou()));
            pts.add(pm);
        }
        m.put("curve", pts);
        return m;
    }

    /** A projection's answers, whichever model. */
    private interface Speedup {
        double at(int executors, double efficiency, double gbit);
    }

    /**
     * The projection to 1 to 64 two-core executors on 10 and 1 GbE, with E(N) measured where it was (else 1:
     * an assumption, marked).
     */
    private static List<Map<String, Object>> projectionRows(java.util.function.IntToDoubleFunction compute,
                                                            java.util.function.ToDoubleBiFunction<Integer, Double> overhead,
                                                            Speedup speedup, java.util.function.IntUnaryOperator batch,
                                                            List<Run> runs, Run one) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (double gbit : new double[] {10, 1}) {
            for (int n : new int[] {1, 2, 4, 8, 16, 64}) {
                Run measured = runs.stream().filter(r -> r.workers() == n && r.reached()).findFirst().orElse(null);
                double e = one == null || measured == null ? 1.0
                        : one.interpolatedSamplesToTarget() / measured.interpolatedSamplesToTarget();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("executors", n);
                m.put("cores_per_executor", 2);
                m.put("network_gbit", gbit);
                m.put("worker_batch", batch.applyAsInt(n));
                m.put("efficiency", round(e));
                m.put("efficiency_measured", measured != null && one != null);
                m.put("compute_s", round(compute.applyAsDouble(n)));
                m.put("overhead_s", round(overhead.applyAsDouble(n, gbit)));
                m.put("speedup", round(speedup.at(n, e, gbit)));
                rows.add(m);
            }
        }
        return rows;
    }

    /**
     * The projection from the measured runs: the one-executor run's overhead per round, the
     * largest run's as the fixed overhead of several (its loopback transfer left in), and the bytes of one
     * average. Null without a one-executor and a larger run.
     */
    static AllReduceProjection allReduceProjection(List<Run> runs, ProjectionInputs inputs) {
        Run one = runs.stream().filter(r -> r.workers() == 1 && r.phases().rounds() > 0).findFirst().orElse(null);
        Run big = runs.stream().filter(r -> r.workers() > 1 && r.phases().rounds() > 0)
                .max(java.util.Comparator.comparingInt(Run::workers)).orElse(null);
        if (one == null || big == null || inputs.twoCoreStepSeconds().isEmpty()) {
            return null;
        }
        double state = big.phases().bytesOut() / (2.0 * (big.workers() - 1) / big.workers());
        return AllReduceProjection.of(inputs.frequency(), inputs.globalBatch(), inputs.twoCoreStepSeconds(),
                one.phases().overhead(), big.phases().overhead(), state, inputs.globalBatchLimit());
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** Fitting seconds at {@code samples}, interpolated between the checks around it. */
    static double secondsAt(List<Point> curve, double samples) {
        Point before = null;
        for (Point p : curve) {
            if (p.samples() >= samples) {
                if (before == null) {
                    return p.fitSeconds() * samples / p.samples();
                }
                double f = (samples - before.samples()) / (p.samples() - before.samples());
                return before.fitSeconds() + f * (p.fitSeconds() - before.fitSeconds());
            }
            before = p;
        }
        return before == null ? Double.NaN : before.fitSeconds();
    }

    private static Map<String, Object> phases(RoundPhases.Summary p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_s", round(p.wall()));
        m.put("fit_s", round(p.fit()));
        m.put("broadcast_s", round(p.broadcast()));
        m.put("launch_and_results_s", round(p.launchAndResults()));
        m.put("worker_setup_s", round(p.setup()));
        m.put("aggregation_s", round(p.aggregate()));
        m.put("outer_step_s", round(p.step()));
        m.put("bytes_to_each_worker", Math.round(p.bytesOut()));
        m.put("bytes_from_each_worker", Math.round(p.bytesIn()));
        return m;
    }
}
