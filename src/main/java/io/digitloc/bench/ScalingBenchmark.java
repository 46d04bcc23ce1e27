package io.digitloc.bench;

import io.digitloc.augment.EpochBatches;
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
import io.digitloc.config.BatchSchedule;
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
 * same data, through the train job's own {@link EpochFeed}, master and global batch schedule, until a
 * validation target (accuracy and share of boxes at IoU >= a threshold) or the sample budget, checking
 * every {@code checkEvery} samples. E(N) = samples one worker needed / samples N workers needed. Also
 * records img/s, the seconds to the target and the master's per-round phases ({@link RoundPhases}), from
 * which {@link AllReduceProjection} projects larger clusters.
 */
public final class ScalingBenchmark {
    /**
     * What counts as reaching the target: accuracy and the share of boxes at IoU >= {@code iou}; with
     * {@code toBudget} a run goes on to {@code maxSamples} past it (equal budgets: final figures compared).
     */
    public record Target(double accuracy, double shareFound, double iou, long maxSamples, long checkEvery,
                         int validationCanvases, boolean toBudget) {
        /** The figure this target's box share reads from a check. */
        double share(Point p) {
            return iou >= QuickScore.TIGHT_IOU ? p.shareTight() : p.shareFound();
        }

        boolean met(Point p) {
            return p.accuracy() >= accuracy && share(p) >= shareFound;
        }
    }

    /** One check of the validation figures, and the global batch the samples before it were fitted at. */
    public record Point(long samples, int globalBatch, double accuracy, double shareFound, double shareTight,
                        double meanIou, double fitSeconds) {
    }

    /** One worker count's run. */
    public record Run(int workers, String batches, String master, long samplesSeen, double fitSeconds,
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
        ComputationGraph net = LocalizerNet.untrained(size, settings.train(), settings.seed(), plan.steps());
        // the train job's own session: the same export, shuffling, batch schedule and engine
        Trial trial = new Trial(jsc, TrainingSession.open(jsc, settings,
                new TrainingData(ds.read(Split.TRAIN), trainCount, size, dir, conf), plan, net), validation, size);
        out.accept(String.format("scaling: %d workers (%s), %s, %s", workers, jsc.master(),
                plan.schedule().describe(), trial.outer));
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
        final int workers;
        final String outer;
        final List<Point> curve = new ArrayList<>();
        long samples;
        double fitSeconds;
        boolean reached;

        Trial(JavaSparkContext jsc, TrainingSession session, Dataset<Row> validation, int size) {
            this.jsc = jsc;
            this.session = session;
            this.feed = session.feed();
            this.validation = validation;
            this.size = size;
            this.workers = session.plan().workers();
            this.outer = settings.scaleOut().resolve(workers).toString();
        }

        boolean done() {
            return (reached && !target.toBudget()) || samples >= target.maxSamples();
        }

        /** One epoch's batches at its phase of the global batch, in chunks of whole rounds, a check after each. */
        void epoch(int epoch) {
            SparkComputationGraph sparkNet = session.sparkNet();
            feed.begin(sparkNet, epoch);
            try {
                BatchSchedule.Phase phase = feed.phase(epoch);
                List<String> paths = feed.epochBatches(epoch);
                var loader = feed.loader(epoch);
                long roundBatches = (long) phase.workers() * settings.train().distribution().averagingFrequency();
                long checkBatches = Math.max(roundBatches,
                        Math.round((double) target.checkEvery() / phase.workerBatch() / roundBatches) * roundBatches);
                for (int from = 0; from < paths.size() && !done(); ) {
                    int to = (int) Math.min(paths.size(), from + checkBatches);
                    if (paths.size() - to < roundBatches) {
                        to = paths.size(); // a short tail joins this chunk
                    }
                    long t1 = System.nanoTime();
                    session.master().fitRounds(sparkNet, paths.subList(from, to), loader);
                    fitted(t1, to - from, phase);
                    from = to;
                }
            } finally {
                feed.end();
            }
        }

        /** Counts {@code batches} fitted since {@code start} and checks the validation figures. */
        private void fitted(long start, int batches, BatchSchedule.Phase phase) {
            fitSeconds += (System.nanoTime() - start) / 1e9;
            samples += (long) batches * phase.workerBatch(); // the last batch of a partition may be short: close enough
            QuickScore s = QuickEvaluation.score(jsc, session.network(), validation, size, settings.train().batchSize());
            Point p = new Point(samples, phase.globalBatch(), s.accuracy(), s.shareFound(), s.shareTight(), s.meanIou(),
                    fitSeconds);
            curve.add(p);
            out.accept(String.format("  %d workers: %,d samples (global batch %d), accuracy %.2f%%, IoU>=0.6 %.1f%%, "
                            + "IoU>=0.75 %.2f%%, mean IoU %.3f, %.0f img/s, round overhead %.3f s", workers, samples,
                    phase.globalBatch(), 100 * s.accuracy(), 100 * s.shareFound(), 100 * s.shareTight(), s.meanIou(),
                    samples / fitSeconds, session.master().phases().summary().overhead()));
            reached = reached || target.met(p);
        }

        Run result() {
            RoundPhases.Summary phases = session.master().phases().summary();
            out.accept(String.format("  %d workers: %s", workers, phases));
            return new Run(workers, session.plan().schedule().describe(), jsc.master(), samples, fitSeconds,
                    samples / fitSeconds, phases, outer,
                    "x sqrt(global batch / batch-size)", curve);
        }
    }

    /** Canvases of the train split: one epoch's samples. */
    public long trainCount() {
        SparkSession spark = SparkSessions.getOrCreate(new SparkSettings("local[1]", settings.spark().appName() + "-count"),
                Map.of("spark.master", "local[1]"));
        try {
            return CanvasDataset.open(spark, settings.data().dir()).manifest().split(Split.TRAIN).count();
        } finally {
            spark.stop();
        }
    }

    /**
     * Seconds of one optimiser step of the global batch on one worker with {@code threads} ND4J threads, in
     * this JVM (Spark local, the train split's first canvases), each batch made as a worker makes it past the
     * first epoch (digits re-placed when augmenting): the compute a projection gives an executor of that many
     * cores.
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
            List<List<Row>> data = new ArrayList<>();
            for (int from = 0; from + batch <= rows.size(); from += batch) {
                data.add(rows.subList(from, from + batch));
            }
            NativeSetup.limitThreads(threads);
            ComputationGraph net = LocalizerNet.untrained(size, settings.train(), settings.seed());
            EpochBatches cut = EpochFeed.cut(settings, batch, size);
            data.subList(0, 5).forEach(b -> workerStep(net, cut, b, size)); // warm-up: JIT, workspaces
            long t0 = System.nanoTime();
            data.subList(5, data.size()).forEach(b -> workerStep(net, cut, b, size));
            return (System.nanoTime() - t0) / 1e9 / (data.size() - 5);
        } finally {
            spark.stop();
        }
    }

    /** A worker's step past the first epoch: the batch as that epoch shows it (digits re-placed when augmenting), then fit. */
    private static void workerStep(ComputationGraph net, EpochBatches cut, List<Row> rows, int size) {
        var batch = io.digitloc.data.CanvasRows.batch(rows, size);
        net.fit(cut.place(batch, io.digitloc.data.CanvasRows.ids(rows), 2).toMultiDataSet());
    }

    /** Where a curve first meets a target: the first check past it, interpolated, and off the fits (-1, NaN: never). */
    public record Crossing(long first, double interpolated, double fitted) {
        boolean reached() {
            return first >= 0;
        }
    }

    /** The early target: 95% accuracy and 85% of boxes at IoU >= 0.6, reached within the first few epochs. */
    static Target early(Target t) {
        return new Target(0.95, 0.85, QuickScore.IOU_THRESHOLD, t.maxSamples(), t.checkEvery(), t.validationCanvases(),
                t.toBudget());
    }

    /** Accuracy alone: 85%, where the classifier is past its first plateau. */
    static Target accuracy85(Target t) {
        return new Target(0.85, 0, QuickScore.IOU_THRESHOLD, t.maxSamples(), t.checkEvery(), t.validationCanvases(),
                t.toBudget());
    }

    /** {@code target}'s crossing on {@code curve}; the fit uses the checks from {@code fitFrom} samples on. */
    static Crossing crossing(Target target, List<Point> curve, long fitFrom) {
        for (int i = 0; i < curve.size(); i++) {
            if (target.met(curve.get(i))) {
                return new Crossing(curve.get(i).samples(), interpolate(target, curve.subList(0, i + 1)),
                        fittedSamplesToTarget(target, curve, fitFrom));
            }
        }
        return new Crossing(-1, -1, fittedSamplesToTarget(target, curve, fitFrom));
    }

    /**
     * Samples at which the target was crossed, interpolated linearly between the last check below it
     * and the first at or above it, the curve's last (on the figure that crossed last).
     */
    static double interpolate(Target target, List<Point> curve) {
        Point hit = curve.get(curve.size() - 1);
        if (curve.size() == 1) {
            return hit.samples();
        }
        Point before = curve.get(curve.size() - 2);
        double fa = fraction(before.accuracy(), hit.accuracy(), target.accuracy());
        double fb = fraction(target.share(before), target.share(hit), target.shareFound());
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
    static double fittedSamplesToTarget(Target target, List<Point> curve, long fromSamples) {
        double a = fit(curve, fromSamples, Point::accuracy, target.accuracy());
        double b = target.shareFound() <= 0 ? 0 : fit(curve, fromSamples, target::share, target.shareFound());
        return Math.max(a, b);
    }

    private static double fit(List<Point> curve, long fromSamples, java.util.function.ToDoubleFunction<Point> figureOf,
                              double goal) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (Point p : curve) {
            double figure = figureOf.applyAsDouble(p);
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

    /** The whole sweep as a JSON document. */
    public static Map<String, Object> document(String command, String machine, Target target, List<Run> runs) {
        return document(command, machine, target, runs, null);
    }

    /**
     * What the projection to two-core executors is made from: one step's seconds on two threads by worker
     * batch, the steps per round, and the global batch schedule of each projected executor count.
     */
    public record ProjectionInputs(Map<Integer, Double> twoCoreStepSeconds, int frequency,
                                   Map<Integer, BatchSchedule> schedules, Map<Integer, Double> oneCoreStepSeconds) {
    }

    /**
     * As {@link #document(String, String, Target, List)}, with the projection to executors of two cores on 10
     * and 1 GbE from the measured phases of the runs ({@link AllReduceProjection} shows the arithmetic).
     */
    public static Map<String, Object> document(String command, String machine, Target target, List<Run> runs,
                                               ProjectionInputs inputs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", java.time.LocalDate.now().toString());
        doc.put("machine", machine);
        doc.put("command", command);
        doc.put("target", targetEntry(target));
        doc.put("early_target", targetEntry(early(target)));
        Run one = runs.stream().filter(r -> r.workers() == 1).findFirst().orElse(null);
        long fitFrom = 2 * target.checkEvery(); // past the initial plateau
        List<Map<String, Object>> list = new ArrayList<>();
        for (Run r : runs) {
            list.add(entry(r, one, target, fitFrom));
        }
        doc.put("runs", list);
        AllReduceProjection p = inputs == null ? null : allReduceProjection(runs, inputs);
        if (p != null) {
            doc.put("projection_inputs", Map.of("step_seconds_two_cores_by_batch", p.stepSeconds(),
                    "frequency", p.frequency(), "single_s", round(p.singleSeconds()),
                    "fixed_s", round(p.fixedSeconds()), "state_bytes", Math.round(p.stateBytes())));
            doc.put("projection", projectionRows(p, inputs.schedules(), runs, one, target, fitFrom));
        }
        if (inputs != null && !inputs.oneCoreStepSeconds().isEmpty()) {
            doc.put("projection_check", runs.stream().filter(r -> inputs.schedules().containsKey(r.workers()))
                    .map(r -> check(r, inputs, target, fitFrom)).toList());
        }
        return doc;
    }

    /**
     * The projection's formula checked where a run exists: its seconds of fitting to the samples the run took to
     * its target (or to all it fitted) against the run's measured ones. Fed the run's own overhead per round and
     * its own measured step (a round's fitting / frequency), it checks the formula's phases and rounds; fed the
     * step measured apart on one core (as the projection is), it also shows what the run's executors lose to
     * sharing one machine.
     */
    static Map<String, Object> check(Run r, ProjectionInputs inputs, Target target, long fitFrom) {
        BatchSchedule schedule = inputs.schedules().get(r.workers());
        Crossing c = crossing(target, r.curve(), fitFrom);
        double samples = c.reached() ? c.interpolated() : r.samplesSeen();
        double measured = secondsAt(r.curve(), samples);
        double own = predicted(inputs.frequency(), Map.of(1, ownSampleSeconds(r, schedule, inputs.frequency())), r,
                schedule, samples);
        double apart = predicted(inputs.frequency(), inputs.oneCoreStepSeconds(), r, schedule, samples);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executors", r.workers());
        m.put("samples", Math.round(samples));
        m.put("measured_fit_s", round(measured));
        m.put("predicted_fit_s", round(own));
        m.put("error", round(own / measured - 1));
        m.put("predicted_from_step_apart_s", round(apart));
        m.put("error_from_step_apart", round(apart / measured - 1));
        return m;
    }

    /** The run's own fitting time per sample of one worker: its mean round's fitting over the mean round's samples. */
    private static double ownSampleSeconds(Run r, BatchSchedule schedule, int frequency) {
        double rounds = 0;
        double workerSamples = 0;
        double left = r.samplesSeen();
        for (int epoch = 1; left > 0; epoch++) {
            BatchSchedule.Phase p = schedule.phase(epoch);
            double fitted = Math.min(left, schedule.epochSamples());
            rounds += fitted / ((double) frequency * p.workers() * p.workerBatch());
            workerSamples += fitted / p.workers();
            left -= fitted;
        }
        return r.phases().fit() * rounds / workerSamples;
    }

    private static double predicted(int frequency, Map<Integer, Double> steps, Run r, BatchSchedule schedule,
                                    double samples) {
        return AllReduceProjection.of(frequency, steps, r.roundOverheadSeconds(), r.roundOverheadSeconds(), 0)
                .seconds(schedule, samples, 10);
    }

    private static Map<String, Object> targetEntry(Target target) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("accuracy", target.accuracy());
        t.put("box_share", target.shareFound());
        t.put("box_iou_at_least", target.iou());
        t.put("validation_canvases", target.validationCanvases());
        t.put("max_samples", target.maxSamples());
        t.put("check_every_samples", target.checkEvery());
        t.put("to_budget", target.toBudget());
        return t;
    }

    /** One run's entry of the document: its figures, E(N) against the one-worker run, phases and curve. */
    private static Map<String, Object> entry(Run r, Run one, Target target, long fitFrom) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", r.workers());
        m.put("global_batch", r.batches());
        m.put("target", crossingEntry(target, r, one, fitFrom));
        m.put("early_target", crossingEntry(early(target), r, one, fitFrom));
        m.put("accuracy_85", crossingEntry(accuracy85(target), r, one, fitFrom));
        Point last = r.curve().isEmpty() ? null : r.curve().get(r.curve().size() - 1);
        m.put("final", last == null ? null : pointEntry(last));
        m.put("samples_seen", r.samplesSeen());
        m.put("rounds", r.phases().rounds());
        m.put("master", r.master());
        m.put("executors", r.workers());
        m.put("cores_per_executor", SparkSessions.isLocal(r.master()) ? 0 : 1);
        m.put("img_per_s", Math.round(r.imagesPerSecond()));
        m.put("round_overhead_s", round(r.roundOverheadSeconds()));
        m.put("round_phases", phases(r.phases()));
        m.put("outer_step", r.outerStep());
        m.put("learning_rate", r.rate());
        m.put("curve", r.curve().stream().map(ScalingBenchmark::pointEntry).toList());
        return m;
    }

    /** Samples to {@code target} for {@code r} and E(N) against {@code one} (null: no one-worker run). */
    private static Map<String, Object> crossingEntry(Target target, Run r, Run one, long fitFrom) {
        Crossing c = crossing(target, r.curve(), fitFrom);
        Crossing c1 = one == null ? null : crossing(target, one.curve(), fitFrom);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reached", c.reached());
        m.put("samples_first_check", c.first());
        m.put("samples_interpolated", Math.round(c.interpolated()));
        m.put("samples_fitted", Double.isNaN(c.fitted()) ? null : Math.round(c.fitted()));
        double e = c1 == null || !c.reached() || !c1.reached() ? Double.NaN : c1.interpolated() / c.interpolated();
        m.put("efficiency", Double.isNaN(e) ? null : round(e));
        double ef = c1 == null ? Double.NaN : c1.fitted() / c.fitted();
        m.put("efficiency_fitted", Double.isNaN(ef) || Double.isInfinite(ef) ? null : round(ef));
        m.put("seconds", c.reached() ? round(secondsAt(r.curve(), c.interpolated())) : null);
        return m;
    }

    private static Map<String, Object> pointEntry(Point p) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("samples", p.samples());
        pm.put("global_batch", p.globalBatch());
        pm.put("accuracy", round(p.accuracy()));
        pm.put("iou_at_0.6", round(p.shareFound()));
        pm.put("iou_at_0.75", round(p.shareTight()));
        pm.put("mean_iou", round(p.meanIou()));
        pm.put("fit_s", round(p.fitSeconds()));
        return pm;
    }

    /**
     * The projection to 1 to 64 two-core executors on 10 and 1 GbE: time to the target phase by phase, with
     * E(N) measured where it was (else 1: an assumption, marked), from one worker's samples to the target
     * (or, not reached, its budget).
     */
    private static List<Map<String, Object>> projectionRows(AllReduceProjection p, Map<Integer, BatchSchedule> schedules,
                                                            List<Run> runs, Run one, Target target, long fitFrom) {
        Crossing c1 = one == null ? null : crossing(target, one.curve(), fitFrom);
        double s1 = c1 != null && c1.reached() ? c1.interpolated() : target.maxSamples();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (double gbit : new double[] {10, 1}) {
            for (var at : new java.util.TreeMap<>(schedules).entrySet()) {
                int n = at.getKey();
                Run measured = runs.stream().filter(r -> r.workers() == n).findFirst().orElse(null);
                Crossing c = measured == null ? null : crossing(target, measured.curve(), fitFrom);
                boolean known = c != null && c.reached() && c1 != null && c1.reached();
                double e = known ? c1.interpolated() / c.interpolated() : 1.0;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("executors", n);
                m.put("cores_per_executor", 2);
                m.put("network_gbit", gbit);
                m.put("global_batch", at.getValue().describe());
                m.put("efficiency", round(e));
                m.put("efficiency_measured", known);
                m.put("seconds_to_target", round(p.seconds(at.getValue(), s1 / e, gbit)));
                m.put("overhead_s", round(p.overhead(n, gbit)));
                m.put("speedup", round(p.speedup(schedules.get(1), at.getValue(), s1, e, gbit)));
                rows.add(m);
            }
        }
        return rows;
    }

    /**
     * The projection from the measured runs: the one-executor run's overhead per round, the
     * largest run's as the fixed overhead of several (its loopback transfer left in), and the bytes of one
     * average. Null without a one-executor and a larger run, or without the one-executor schedule.
     */
    static AllReduceProjection allReduceProjection(List<Run> runs, ProjectionInputs inputs) {
        Run one = runs.stream().filter(r -> r.workers() == 1 && r.phases().rounds() > 0).findFirst().orElse(null);
        Run big = runs.stream().filter(r -> r.workers() > 1 && r.phases().rounds() > 0)
                .max(java.util.Comparator.comparingInt(Run::workers)).orElse(null);
        if (one == null || big == null || inputs.twoCoreStepSeconds().isEmpty() || !inputs.schedules().containsKey(1)) {
            return null;
        }
        double state = big.phases().bytesOut() / (2.0 * (big.workers() - 1) / big.workers());
        return AllReduceProjection.of(inputs.frequency(), inputs.twoCoreStepSeconds(), one.phases().overhead(),
                big.phases().overhead(), state);
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
