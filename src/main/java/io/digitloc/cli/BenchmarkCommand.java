package io.digitloc.cli;

import io.digitloc.bench.Benchmark;
import io.digitloc.config.BenchmarkSettings;
import io.digitloc.config.Settings;
import io.digitloc.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code benchmark}: speed figures for docs/performance.md. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure on an existing dataset: canvas synthesis canvases/s, training img/s in one JVM "
                + "(ComputationGraph.fit) and through Spark parameter averaging, inference img/s, and peak memory. "
                + "Each figure is the median of the repetitions after one untimed warm-up pass."})
final class BenchmarkCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    TrainOptions trainOptions;

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--samples", paramLabel = "N", descriptionKey = "benchmark.samples")
    Integer samples;

    @Option(names = "--repeats", paramLabel = "N", descriptionKey = "benchmark.repeats")
    Integer repeats;

    @Option(names = "--kernels",
            description = "Only time the ND4J kernels of each conv block (conv2d, conv2d_bp, avgpool2d, avgpool2d_bp, "
                    + "relu_bp) at the network's shapes, NCHW and NHWC: where a training step's time goes.")
    boolean kernels;

    @Option(names = "--floor",
            description = "Only time LocalizerNet's training step (forward, backward, Adam) at the train batch as one "
                    + "fixed sequence of oneDNN primitives: img/s, ms per primitive, GFLOP/s against the FMA peak.")
    boolean floor;

    @Option(names = "--scaling", paramLabel = "N[,N...]", split = ",",
            description = "Statistical efficiency instead: for each worker count N, train in local[N] from the same "
                    + "start, on the train job's global batch schedule, until the target below (or --max-samples) and "
                    + "write samples to target, E(N), img/s, per-round overhead and the projection to two-core "
                    + "executors to --out (docs/performance.md).")
    List<Integer> scaling;

    @Option(names = "--target-accuracy", paramLabel = "A", descriptionKey = "benchmark.target-accuracy")
    Double targetAccuracy;

    @Option(names = "--target-iou", paramLabel = "S", descriptionKey = "benchmark.target-iou")
    Double targetIou;

    @Option(names = "--target-iou-at", paramLabel = "IOU", descriptionKey = "benchmark.target-iou-at")
    Double targetIouAt;

    @Option(names = "--to-budget",
            description = "With --scaling: go on past the target to --max-samples, so that equal budgets' final "
                    + "figures can be compared.")
    boolean toBudget;

    @Option(names = "--max-samples", paramLabel = "N", descriptionKey = "benchmark.max-samples")
    Long maxSamples;

    @Option(names = "--check-every", paramLabel = "N", descriptionKey = "benchmark.check-every")
    Long checkEvery;

    @Option(names = "--validation-canvases", paramLabel = "N", descriptionKey = "benchmark.validation-canvases")
    Integer validationCanvases;

    @Option(names = "--out", paramLabel = "FILE", descriptionKey = "benchmark.scaling-out")
    String outFile;

    @Option(names = "--cluster-shape", paramLabel = "FILE",
            description = "With --scaling on an emulated cluster: the shape file scripts/emulated-cluster.sh wrote "
                    + "(its CPU quota and link), recorded as 'emulated' in --out.")
    java.nio.file.Path clusterShape;

    @Override
    public Integer call() {
        Settings settings = common.load();
        BenchmarkSettings b = settings.benchmark();
        BenchmarkSettings.SAMPLES.require(b.samples() >= settings.train().batchSize(), b.samples(),
                "at least one batch (digitloc.train.batch-size = " + settings.train().batchSize() + ")");
        boolean scales = scaling != null && !scaling.isEmpty();
        if ((floor ? 1 : 0) + (kernels ? 1 : 0) + (scales ? 1 : 0) > 1) {
            throw new io.digitloc.config.SettingsException("--floor, --kernels and --scaling are separate measurements: "
                    + "give one of them");
        }
        if (floor) {
            io.digitloc.bench.FloorBenchmark.run(settings, System.out::println);
            return 0;
        }
        if (scales) {
            return scaling(settings);
        }
        if (kernels) {
            new io.digitloc.bench.Kernels(settings.train().batchSize(), Math.max(5, b.repeats()))
                    .run(settings.data().canvasSize(), System.out::println);
            return 0;
        }
        new Benchmark(SparkSessions.getOrCreate(settings.spark()), settings, b.samples(), b.repeats(), System.out::println)
                .runAll();
        return 0;
    }

    private int scaling(Settings settings) {
        if (scaling.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new io.digitloc.config.SettingsException("--scaling takes worker counts 1..64, not " + scaling);
        }
        BenchmarkSettings b = settings.benchmark();
        String outFile = b.scalingOut();
        var target = new io.digitloc.bench.ScalingBenchmark.Target(b.targetAccuracy(), b.targetIou(), b.targetIouAt(),
                b.maxSamples(), b.checkEvery(), b.validationCanvases(), toBudget);
        var bench = new io.digitloc.bench.ScalingBenchmark(settings, target, System.out::println);
        List<io.digitloc.bench.ScalingBenchmark.Run> runs = new java.util.ArrayList<>();
        var shape = clusterShape == null ? null : io.digitloc.bench.ClusterShape.read(clusterShape);
        String command = "scripts/digitloc benchmark " + String.join(" ", spec.commandLine().getParseResult().originalArgs()).replaceFirst("^benchmark ", "");
        for (int n : scaling) {
            runs.add(bench.run(n));
            // rewritten after each worker count: a long sweep cut short keeps what it measured
            write(outFile, io.digitloc.bench.ScalingBenchmark.document(command, io.digitloc.bench.Machine.describe(),
                    target, runs), shape);
        }
        var inputs = projectionInputs(settings, bench, runs);
        write(outFile, io.digitloc.bench.ScalingBenchmark.document(command, io.digitloc.bench.Machine.describe(),
                target, runs, inputs), shape);
        System.out.println("scaling: written to " + outFile);
        return 0;
    }

    /**
     * The projection's inputs: a step's time on two threads at each worker batch the schedules of 1 to 64
     * executors use (measured here), and those schedules.
     */
    private static io.digitloc.bench.ScalingBenchmark.ProjectionInputs projectionInputs(Settings settings,
            io.digitloc.bench.ScalingBenchmark bench, List<io.digitloc.bench.ScalingBenchmark.Run> runs) {
        long epoch = bench.trainCount();
        java.util.Map<Integer, io.digitloc.config.BatchSchedule> schedules = new java.util.TreeMap<>();
        java.util.Map<Integer, Double> steps = new java.util.TreeMap<>();
        for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) {
            var schedule = settings.scaleOut().schedule(settings.train(), n, epoch);
            schedules.put(n, schedule);
            for (int e = 1; e <= schedule.epochs(); e++) {
                steps.computeIfAbsent(schedule.phase(e).workerBatch(), x -> bench.stepSeconds(2, x));
            }
        }
        System.out.printf("scaling: one step on 2 threads by worker batch %s s%n", steps);
        // runs on one-core executors of a cluster: their own step time, for the formula's check against them
        java.util.Map<Integer, Double> oneCore = new java.util.TreeMap<>();
        for (var run : runs) {
            if (!io.digitloc.spark.SparkSessions.isLocal(run.master())) {
                var schedule = schedules.computeIfAbsent(run.workers(),
                        n -> settings.scaleOut().schedule(settings.train(), n, epoch));
                for (int e = 1; e <= schedule.epochs(); e++) {
                    oneCore.computeIfAbsent(schedule.phase(e).workerBatch(), x -> bench.stepSeconds(1, x));
                }
            }
        }
        return new io.digitloc.bench.ScalingBenchmark.ProjectionInputs(steps,
                settings.train().distribution().averagingFrequency(), schedules, oneCore);
    }

    private static void write(String outFile, java.util.Map<String, Object> doc, io.digitloc.bench.ClusterShape shape) {
        if (shape != null) {
            doc.put("emulated", shape.toJson());
        }
        io.digitloc.io.HadoopFiles.writeString(new org.apache.hadoop.fs.Path(outFile), io.digitloc.io.Json.write(doc),
                io.digitloc.io.HadoopConf.local());
    }
}
