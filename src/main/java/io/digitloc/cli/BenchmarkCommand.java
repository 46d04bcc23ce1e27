package io.digitloc.cli;

import io.digitloc.bench.Benchmark;
import io.digitloc.config.Settings;
import io.digitloc.io.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code benchmark}: speed figures for docs/BENCHMARKS.md. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure on an existing dataset: canvas synthesis canvases/s, training img/s in one JVM "
                + "(ComputationGraph.fit) and through Spark parameter averaging, inference img/s, and peak memory. "
                + "Each figure is the median of the repetitions after one untimed warm-up pass."})
final class BenchmarkCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Mixin
    TrainOptions trainOptions;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The dataset made by generate (default: data/canvases).")
    String dataDir;

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

    @Override
    public Integer call() {
        Map<String, Object> o = new LinkedHashMap<>();
        trainOptions.addTo(o);
        CommonOptions.put(o, "digitloc.data.dir", dataDir);
        Settings settings = common.load(o);
        if (samples < settings.train().batchSize() || repeats < 1) {
            throw new io.digitloc.config.SettingsException("--samples must be at least one batch and --repeats at least 1");
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
}
