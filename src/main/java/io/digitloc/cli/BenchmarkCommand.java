package io.digitloc.cli;

import io.digitloc.bench.Benchmark;
import io.digitloc.config.Settings;
import io.digitloc.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code benchmark}: speed figures for docs/BENCHMARKS.md. */
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

    @Option(names = "--samples", paramLabel = "N", defaultValue = "3200",
            description = "Training canvases per repetition (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Timed repetitions of each measurement (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--kernels",
            description = "Only time the ND4J kernels of each conv block (conv2d, conv2d_bp, avgpool2d, avgpool2d_bp, "
                    + "relu_bp) at the network's shapes, NCHW and NHWC: where a training step's time goes.")
    boolean kernels;

    @Option(names = "--scaling", paramLabel = "N[,N...]", split = ",",
            description = "Statistical efficiency instead: for each worker count N, train in local[N] from the same "
                    + "start until the target below (or --max-samples) and write samples to target, E(N), img/s and "
                    + "per-round overhead to --out (docs/SCALING.md).")
    List<Integer> scaling;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "0.95",
            description = "With --scaling: validation accuracy to reach (default: ${DEFAULT-VALUE}).")
    double targetAccuracy;

    @Option(names = "--target-iou", paramLabel = "S", defaultValue = "0.85",
            description = "With --scaling: share of boxes at IoU >= 0.6 to reach (default: ${DEFAULT-VALUE}).")
    double targetIou;

    @Option(names = "--max-samples", paramLabel = "N", defaultValue = "600000",
            description = "With --scaling: give up after this many training samples (default: ${DEFAULT-VALUE}).")
    long maxSamples;

    @Option(names = "--check-every", paramLabel = "N", defaultValue = "16384",
            description = "With --scaling: samples between two validation checks, rounded to whole rounds "
                    + "(default: ${DEFAULT-VALUE}).")
    long checkEvery;

    @Option(names = "--validation-canvases", paramLabel = "N", defaultValue = "2000",
            description = "With --scaling: validation canvases scored at each check (default: ${DEFAULT-VALUE}).")
    int validationCanvases;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "docs/scaling.json",
            description = "With --scaling: where the JSON goes (default: ${DEFAULT-VALUE}).")
    String outFile;

    @Override
    public Integer call() {
        Map<String, Object> o = new LinkedHashMap<>();
        trainOptions.addTo(o);
        dataDir.addTo(o);
        Settings settings = common.load(o);
        if (samples < settings.train().batchSize() || repeats < 1) {
            throw new io.digitloc.config.SettingsException("--samples must be at least one batch and --repeats at least 1");
        }
        if (scaling != null && !scaling.isEmpty()) {
            return scaling(settings);
        }
        if (kernels) {
            new io.digitloc.bench.Kernels(settings.train().batchSize(), Math.max(5, repeats))
                    .run(settings.data().canvasSize(), System.out::println);
            return 0;
        }
        new Benchmark(SparkSessions.getOrCreate(settings.spark()), settings, samples, repeats, System.out::println)
                .runAll();
        return 0;
    }

    private int scaling(Settings settings) {
        if (scaling.stream().anyMatch(n -> n < 1 || n > 64) || maxSamples < 1 || checkEvery < 1 || validationCanvases < 1) {
            throw new io.digitloc.config.SettingsException("--scaling takes worker counts 1..64; --max-samples, "
                    + "--check-every and --validation-canvases must be positive");
        }
        var target = new io.digitloc.bench.ScalingBenchmark.Target(targetAccuracy, targetIou, maxSamples, checkEvery,
                validationCanvases);
        var bench = new io.digitloc.bench.ScalingBenchmark(settings, target, System.out::println);
        List<io.digitloc.bench.ScalingBenchmark.Run> runs = new java.util.ArrayList<>();
        var hadoop = io.digitloc.io.HadoopConf.local();
        String command = "scripts/digitloc benchmark " + String.join(" ", spec.commandLine().getParseResult().originalArgs()).replaceFirst("^benchmark ", "");
        for (int n : scaling) {
            runs.add(bench.run(n));
            // rewritten after each worker count: a long sweep cut short keeps what it measured
            io.digitloc.io.HadoopFiles.writeString(new org.apache.hadoop.fs.Path(outFile), io.digitloc.io.Json.write(
                    io.digitloc.bench.ScalingBenchmark.document(command, io.digitloc.bench.Machine.describe(), target, runs)), hadoop);
        }
        // the projection to two-core executors needs one step's time on two cores, measured in this JVM
        double step = bench.stepSeconds(2);
        System.out.printf("scaling: one step of the global batch on 2 threads %.4f s%n", step);
        io.digitloc.io.HadoopFiles.writeString(new org.apache.hadoop.fs.Path(outFile), io.digitloc.io.Json.write(
                io.digitloc.bench.ScalingBenchmark.document(command, io.digitloc.bench.Machine.describe(), target, runs,
                        step, settings.train().distribution().averagingFrequency())), hadoop);
        System.out.println("scaling: written to " + outFile);
        return 0;
    }
}
